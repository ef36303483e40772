"""The signed "screen opened" stamp that action forms carry back, so effort is measured honestly.

The server signs (employee, customer, opening instant to the microsecond) when it renders a
screen; the action's service reads the instant back. A stamp that was tampered with, belongs to
another employee or customer, comes from the future or is too old is worth nothing: the action
is still saved (the employee's work is never lost to a measuring device) but no timing is kept.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core import signing
from django.utils import timezone

from symetrie.customers.models import Customer
from symetrie.org.models import Employee

logger = logging.getLogger(__name__)

SALT = "symetrie.frontline.screen-opened"
# Beyond this, the screen was left open, not worked on: the duration would measure nothing.
MAX_AGE = dt.timedelta(hours=4)
# Web processes may disagree on the time by a little.
CLOCK_SKEW = dt.timedelta(seconds=5)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def screen_stamp(*, employee: Employee, customer: Customer, at: dt.datetime | None = None) -> str:
    """The stamp to embed in the forms of a screen rendered `at` (now by default)."""
    opened = at or timezone.now()
    value = {"e": employee.pk, "c": customer.pk, "t": (opened - _EPOCH) // _MICROSECOND}
    return signing.dumps(value, salt=SALT, compress=False)


def opened_at_from(
    stamp: str, *, employee: Employee, customer: Customer, now: dt.datetime
) -> dt.datetime | None:
    """The instant the screen was opened, or None when the stamp can't be trusted."""
    if not stamp:
        return None
    try:
        value = signing.loads(stamp, salt=SALT)
        opened = _EPOCH + int(value["t"]) * _MICROSECOND
        owners = (int(value["e"]), int(value["c"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        logger.warning("Ignored a tampered screen stamp from employee %s", employee.pk)
        return None
    if owners != (employee.pk, customer.pk):
        logger.warning("Ignored a screen stamp of another screen from employee %s", employee.pk)
        return None
    if opened > now + CLOCK_SKEW or now - opened > MAX_AGE:
        return None
    return min(opened, now)
