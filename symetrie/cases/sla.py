"""Business time: opening hours, French public holidays, and the due dates of SLA policies.

A case's due date is its opening time plus its policy's resolution time counted in *business*
hours: only the opening hours of working days count, never nights, weekends or public holidays.
The calendar is read from settings when used (so tests and installations can change it):

- ``CASES_BUSINESS_HOURS``: opening hours per weekday (0 = Monday) as ``"HH:MM-HH:MM"`` ranges,
  several a day for a lunch break, e.g. ``{0: ["09:00-12:30", "13:30-18:00"], ...}``;
  default Monday to Friday, 09:00–18:00.
- ``CASES_HOLIDAYS_SUBDIVISION``: a French subdivision for its own holidays, e.g. ``"57"``
  (Moselle: Alsace-Moselle adds Good Friday and 26 December); default none (national holidays).
- ``CASES_TIME_ZONE``: the time zone of the opening hours; default ``TIME_ZONE``.

Arithmetic is exact across evenings, weekends, holidays and daylight-saving changes: opening
and closing times are wall-clock times in the calendar's zone, and durations are measured in
real time (UTC) between them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

if TYPE_CHECKING:
    from symetrie.cases.models import SlaPolicy

DEFAULT_HOURS: dict[int, tuple[str, ...]] = dict.fromkeys(range(5), ("09:00-18:00",))
# No calendar needs more: a due date further than this is a configuration mistake.
MAX_DAYS = 3 * 366


def _parse_ranges(ranges: Sequence[str], weekday: int) -> tuple[tuple[dt.time, dt.time], ...]:
    parsed = []
    for text in ranges:
        try:
            start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise ImproperlyConfigured(
                f"CASES_BUSINESS_HOURS[{weekday}]: {text!r} is not a range like '09:00-18:00'."
            ) from None
        if end <= start:
            raise ImproperlyConfigured(
                f"CASES_BUSINESS_HOURS[{weekday}]: {text!r} ends before it starts."
            )
        parsed.append((start, end))
    parsed.sort()
    for (_start, end), (next_start, _end) in itertools.pairwise(parsed):
        if next_start < end:
            raise ImproperlyConfigured(f"CASES_BUSINESS_HOURS[{weekday}]: ranges overlap.")
    return tuple(parsed)


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours per weekday, public holidays, and the time zone they are read in."""

    hours: Mapping[int, tuple[tuple[dt.time, dt.time], ...]]
    tz: dt.tzinfo
    subdivision: str | None = None
    _holidays: dict[int, frozenset[dt.date]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(
        cls,
        hours: Mapping[int, Sequence[str]] | None = None,
        *,
        tz: str | dt.tzinfo | None = None,
        subdivision: str | None = None,
    ) -> BusinessCalendar:
        raw = DEFAULT_HOURS if hours is None else hours
        parsed = {int(day): _parse_ranges(ranges, int(day)) for day, ranges in raw.items()}
        if not any(parsed.values()):
            raise ImproperlyConfigured("CASES_BUSINESS_HOURS: no opening hours on any day.")
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz or timezone.get_default_timezone()
        return cls(hours=parsed, tz=zone, subdivision=subdivision or None)

    def holidays_of(self, year: int) -> frozenset[dt.date]:
        found = self._holidays.get(year)
        if found is None:
            found = french_holidays(year, self.subdivision)
            self._holidays[year] = found
        return found

    def is_holiday(self, day: dt.date) -> bool:
        return day in self.holidays_of(day.year)

    def opening_hours(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's opening periods as aware datetimes (none on a holiday or a closed day)."""
        if self.is_holiday(day):
            return []
        return [
            (
                dt.datetime.combine(day, start, tzinfo=self.tz),
                dt.datetime.combine(day, end, tzinfo=self.tz),
            )
            for start, end in self.hours.get(day.weekday(), ())
        ]


@lru_cache(maxsize=64)
def french_holidays(year: int, subdivision: str | None = None) -> frozenset[dt.date]:
    """France's public holidays in a year (with a subdivision's own, e.g. "57")."""
    found = holidays.country_holidays("FR", subdiv=subdivision, years=year, language="fr")
    return frozenset(found.keys())


def calendar() -> BusinessCalendar:
    """The installation's calendar, from settings (read now, not at import time)."""
    hours = getattr(settings, "CASES_BUSINESS_HOURS", None)
    key = (
        repr(sorted(hours.items())) if hours is not None else None,
        getattr(settings, "CASES_TIME_ZONE", None) or settings.TIME_ZONE,
        getattr(settings, "CASES_HOLIDAYS_SUBDIVISION", None) or None,
    )
    return _calendar(key, hours)


_CALENDARS: dict[tuple[str | None, str, str | None], BusinessCalendar] = {}


def _calendar(
    key: tuple[str | None, str, str | None], hours: Mapping[int, Sequence[str]] | None
) -> BusinessCalendar:
    found = _CALENDARS.get(key)
    if found is None:
        found = BusinessCalendar.build(hours, tz=key[1], subdivision=key[2])
        _CALENDARS[key] = found
    return found


def _as_timedelta(hours: float | int | Decimal | dt.timedelta) -> dt.timedelta:
    if isinstance(hours, dt.timedelta):
        return hours
    return dt.timedelta(seconds=float(Decimal(str(hours)) * 3600))


def _utc(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("business time needs an aware datetime")
    return moment.astimezone(dt.UTC)


def add_business_hours(
    start: dt.datetime,
    hours: float | int | Decimal | dt.timedelta,
    *,
    cal: BusinessCalendar | None = None,
) -> dt.datetime:
    """The moment `hours` business hours after `start`, in the calendar's time zone.

    Time outside opening hours does not count: Friday 17:00 + 8 h is Monday 16:00 (9:00–18:00).
    A period that ends exactly at closing time ends then (18:00), not the next morning.
    """
    cal = cal or calendar()
    remaining = _as_timedelta(hours)
    if remaining < dt.timedelta(0):
        raise ValueError("hours must not be negative")
    cursor = _utc(start)
    if not remaining:
        return cursor.astimezone(cal.tz)
    day = cursor.astimezone(cal.tz).date()
    for _offset in range(MAX_DAYS):
        for opens, closes in cal.opening_hours(day):
            opens_utc, closes_utc = opens.astimezone(dt.UTC), closes.astimezone(dt.UTC)
            if cursor >= closes_utc:
                continue
            begin = max(cursor, opens_utc)
            available = closes_utc - begin
            if remaining <= available:
                return (begin + remaining).astimezone(cal.tz)
            remaining -= available
            cursor = closes_utc
        day += dt.timedelta(days=1)
    raise ImproperlyConfigured(f"no opening hours in the {MAX_DAYS} days after {start}")


def business_hours_between(
    start: dt.datetime, end: dt.datetime, *, cal: BusinessCalendar | None = None
) -> dt.timedelta:
    """Business time from `start` to `end` (negative when `end` comes first)."""
    cal = cal or calendar()
    if end < start:
        return -business_hours_between(end, start, cal=cal)
    begin, finish = _utc(start), _utc(end)
    total = dt.timedelta(0)
    day = begin.astimezone(cal.tz).date()
    last = finish.astimezone(cal.tz).date()
    while day <= last:
        for opens, closes in cal.opening_hours(day):
            lo = max(begin, opens.astimezone(dt.UTC))
            hi = min(finish, closes.astimezone(dt.UTC))
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return total


def due_at_for(
    policy: SlaPolicy | None, opened_at: dt.datetime, *, cal: BusinessCalendar | None = None
) -> dt.datetime | None:
    """A case's due date under its policy (none without a policy)."""
    if policy is None:
        return None
    return add_business_hours(opened_at, policy.resolution_hours, cal=cal)


def due_at(
    type: str, priority: str, opened_at: dt.datetime, *, cal: BusinessCalendar | None = None
) -> dt.datetime | None:
    """The due date of a case of this type and priority opened at `opened_at`."""
    from symetrie.cases.models import SlaPolicy

    policy = SlaPolicy.objects.filter(type=type, priority=priority).first()
    return due_at_for(policy, opened_at, cal=cal)
