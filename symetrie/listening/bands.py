"""Demographic bands: the only demographics an employee's answer keeps (never a date, an age or
a job title — a band wide enough that it does not single a person out). The product fills them
from the employee's record when they answer; imports bring them as `*_band` columns."""

from __future__ import annotations

import datetime as dt

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from symetrie.org.models import Employee

TENURE = "tenure_band"

# Labels of the known bands, in order; an imported band of another name shows as it is.
LABELS: dict[str, tuple[str | Promise, dict[str, str | Promise]]] = {
    TENURE: (
        _("Tenure"),
        {
            "lt1y": _("under a year"),
            "1to3y": _("1 to 3 years"),
            "3to10y": _("3 to 10 years"),
            "gt10y": _("over 10 years"),
        },
    ),
}


def tenure_band(hire: dt.date, day: dt.date) -> str:
    """An employee's tenure on `day`, as the band kept with an anonymous answer."""
    days = (day - hire).days
    if days < 365:
        return "lt1y"
    if days < 3 * 365:
        return "1to3y"
    if days < 10 * 365:
        return "3to10y"
    return "gt10y"


def employee_bands(employee: Employee, day: dt.date) -> dict[str, str]:
    """The bands an employee's answer on `day` keeps."""
    return {TENURE: tenure_band(employee.hire_date, day)}


def label(key: str, value: str | None = None) -> str:
    """ "Tenure" for a key, "under a year" for one of its values."""
    name, values = LABELS.get(key, (key, {}))
    return str(name if value is None else values.get(value, value))
