"""Rounds: the periods an employee survey's answers are grouped in, and the finest time an
anonymous answer keeps. A monthly pulse has a round a month; a survey with no cadence has one
round, from its opening."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from symetrie.listening.models import Cadence, Survey


def round_start(survey: Survey, day: dt.date) -> dt.date:
    """The first day of the round `day` falls in."""
    cadence = survey.cadence
    if cadence == Cadence.WEEKLY:
        return day - dt.timedelta(days=day.weekday())
    if cadence == Cadence.MONTHLY:
        return day.replace(day=1)
    if cadence == Cadence.QUARTERLY:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    opened = survey.opened_at or survey.created_at
    return min(timezone.localdate(opened), day)


def round_end(survey: Survey, start: dt.date) -> dt.date | None:
    """The last day of the round starting on `start` (None: the survey's only round, which
    ends when the survey closes)."""
    cadence = survey.cadence
    if cadence == Cadence.WEEKLY:
        return start + dt.timedelta(days=6)
    if cadence == Cadence.MONTHLY:
        return _add_months(start, 1) - dt.timedelta(days=1)
    if cadence == Cadence.QUARTERLY:
        return _add_months(start, 3) - dt.timedelta(days=1)
    if survey.closed_at is not None:
        return timezone.localdate(survey.closed_at)
    return None


def round_is_over(survey: Survey, start: dt.date, today: dt.date | None = None) -> bool:
    """A round is over once its last day has passed, or its survey has closed."""
    if survey.closed_at is not None:
        return True
    end = round_end(survey, start)
    return end is not None and end < (today or timezone.localdate())


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_label(survey: Survey, period: str) -> str:
    """A period as people read it: "novembre 2026", "semaine du 2 novembre 2026", "T4 2026"."""
    if "-W" in period:
        year, week = period.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
        return _("week of %(day)s") % {"day": date_format(monday, "j F Y")}
    if len(period) == 7:
        return date_format(dt.date.fromisoformat(f"{period}-01"), "F Y")
    start = dt.date.fromisoformat(period)
    if survey.cadence == Cadence.MONTHLY:
        return date_format(start, "F Y")
    if survey.cadence == Cadence.WEEKLY:
        return _("week of %(day)s") % {"day": date_format(start, "j F Y")}
    if survey.cadence == Cadence.QUARTERLY:
        return _("Q%(quarter)d %(year)d") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    return _("since %(day)s") % {"day": date_format(start, "j F Y")}
