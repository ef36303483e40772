"""When the demo's customers get in touch: the year of history, day by day and minute by minute.

App and web every day, with evening peaks; branch visits in opening hours (9:00–12:30 and
14:00–18:00 on weekdays, Saturday mornings; closed on Sundays and public holidays); phone
calls on weekdays; e-mail, chat, social media and letters rarer. More contacts at the start
of each month (salaries, rents, bills) and in the ten days after a campaign's launch, fewer
in August and at Christmas.

Instants are whole seconds since the epoch (see `demo.tables.Clock`); a local time is turned
into one with the day's offset from UTC.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from symetrie.customers.models import Channel

HISTORY_DAYS = 365
CHANNELS: tuple[str, ...] = tuple(Channel.values)

# Day of week (Monday first) → how busy a channel is; zero: closed.
WEEKDAYS: dict[str, tuple[float, ...]] = {
    "branch": (1.0, 1.1, 1.0, 1.0, 1.15, 0.9, 0.0),
    "phone": (1.25, 1.05, 1.0, 1.0, 0.95, 0.0, 0.0),
    "email": (1.1, 1.0, 1.0, 1.0, 0.95, 0.35, 0.3),
    "app": (1.05, 1.0, 1.0, 1.0, 1.05, 0.95, 0.85),
    "web": (1.1, 1.0, 1.0, 1.0, 0.95, 0.6, 0.6),
    "chat": (1.1, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0),
    "social": (1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1),
    "letter": (1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0),
}
# Closed on public holidays: branches, phone lines, chat, mail room.
CLOSED_ON_HOLIDAYS = frozenset({"branch", "phone", "chat", "letter"})

# Opening hours and the day's rhythm: (from, to, weight) in minutes since midnight, local time.
Spans = tuple[tuple[int, int, float], ...]
BRANCH_HOURS: Spans = ((540, 600, 0.8), (600, 720, 1.2), (720, 750, 0.9), (840, 960, 0.9),
                       (960, 1080, 1.3))  # fmt: skip
BRANCH_SATURDAY: Spans = ((540, 600, 0.9), (600, 750, 1.3))
HOURS: dict[str, Spans] = {
    "branch": BRANCH_HOURS,
    "phone": ((510, 540, 0.6), (540, 690, 1.3), (690, 840, 0.7), (840, 1020, 1.1),
              (1020, 1140, 0.6)),
    "email": ((420, 720, 1.0), (720, 840, 0.8), (840, 1140, 1.0), (1140, 1380, 0.5)),
    "app": ((0, 360, 0.05), (360, 420, 0.3), (420, 540, 1.0), (540, 720, 0.8),
            (720, 840, 1.3), (840, 1080, 0.8), (1080, 1290, 1.3), (1290, 1440, 0.5)),
    "web": ((0, 420, 0.05), (420, 540, 0.5), (540, 720, 1.0), (720, 840, 1.1),
            (840, 1080, 1.0), (1080, 1320, 1.1), (1320, 1440, 0.3)),
    "chat": ((480, 720, 1.0), (720, 840, 0.9), (840, 1080, 1.0), (1080, 1320, 0.6)),
    "social": ((420, 720, 0.8), (720, 840, 1.0), (840, 1140, 0.9), (1140, 1440, 1.2)),
    "letter": ((540, 720, 1.0), (840, 1020, 1.0)),
}  # fmt: skip
SATURDAY_HOURS: dict[str, Spans] = {
    "branch": BRANCH_SATURDAY,
    "chat": ((540, 1080, 1.0),),
}
WEEKDAY, SATURDAY, CLOSED = 0, 1, 2  # kinds of day (CLOSED: Sunday or public holiday)


class Weighted:
    """Draws from a fixed list with fixed weights: one random number and a bisection.

    Items of weight zero stay in the list (so that indexes keep their meaning: a day of the
    history) but are never drawn.
    """

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self._items = list(items)
        self._cum = list(itertools.accumulate(weights))
        assert len(self._cum) == len(self._items) and self._cum[-1] > 0
        self._total = self._cum[-1]

    def draw(self, rng: random.Random) -> Any:
        return self._items[bisect.bisect(self._cum, rng.random() * self._total)]

    def draw_from(self, rng: random.Random, start: int) -> Any:
        """Like `draw`, among the items from index `start` on (a day no earlier than...);
        None if they all weigh zero."""
        low = self._cum[start - 1] if start else 0.0
        if low >= self._total:
            return None
        return self._items[
            bisect.bisect(self._cum, low + rng.random() * (self._total - low), lo=start)
        ]


def minutes(spans: Spans) -> Weighted:
    """Minutes of the day drawn by the spans' weights."""
    found = [m for start, end, _w in spans for m in range(start, end)]
    weights = [w for start, end, w in spans for _m in range(start, end)]
    return Weighted(found, weights)


def french_holidays(year: int) -> set[dt.date]:
    """Public holidays in metropolitan France (banks are closed)."""
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [easter + dt.timedelta(days=d) for d in (1, 39, 50)]  # Monday, Ascension, Pentecost
    return {dt.date(year, m, d) for m, d in fixed} | set(moving)


def _easter(year: int) -> dt.date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


class Calendar:
    """The year of history before `today`: its days (by index, 0 the oldest), how busy each
    channel is on each, and local times as seconds since the epoch."""

    def __init__(self, today: dt.date, launches: Sequence[dt.date]) -> None:
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self._midnight_cache: dict[dt.date, int] = {}
        self.first = today - dt.timedelta(days=HISTORY_DAYS)
        self.days = [self.first + dt.timedelta(days=n) for n in range(HISTORY_DAYS)]
        self.ordinals = [day.toordinal() for day in self.days]
        self.horizon = self.local(today, 0)  # nothing happens from the reference date on
        self.midnights = [self.local(day, 0) for day in self.days]
        holidays = french_holidays(self.first.year) | french_holidays(today.year)
        self.day_kind = [
            CLOSED
            if day.weekday() == 6 or day in holidays
            else SATURDAY
            if day.weekday() == 5
            else WEEKDAY
            for day in self.days
        ]
        self.by_channel: dict[str, Weighted] = {}
        for channel in CHANNELS:
            weights = []
            for day in self.days:
                weight = WEEKDAYS[channel][day.weekday()]
                if day in holidays and channel in CLOSED_ON_HOLIDAYS:
                    weight = 0.0
                weights.append(weight * _seasonal(day, channel, launches))
            self.by_channel[channel] = Weighted(range(HISTORY_DAYS), weights)
        self.hours = {
            (channel, kind): minutes(spans)
            for channel in CHANNELS
            for kind, spans in (
                (WEEKDAY, HOURS[channel]),
                (SATURDAY, SATURDAY_HOURS.get(channel, HOURS[channel])),
                (CLOSED, HOURS[channel]),
            )
        }
        self.opening = {WEEKDAY: minutes(BRANCH_HOURS), SATURDAY: minutes(BRANCH_SATURDAY)}
        self.last_working_day = max(i for i, kind in enumerate(self.day_kind) if kind != CLOSED)

    def local(self, day: dt.date, minute: int) -> int:
        """Seconds since the epoch of a local time (the day's offset taken at noon)."""
        midnight = self._midnight_cache.get(day)
        if midnight is None:
            noon = dt.datetime.combine(day, dt.time(12), tzinfo=self.tz)
            midnight = int(noon.timestamp()) - 12 * 3600
            self._midnight_cache[day] = midnight
        return midnight + minute * 60

    def day_of(self, seconds: int) -> int:
        """The index of the day of the history an instant falls on."""
        return max(bisect.bisect(self.midnights, seconds) - 1, 0)

    def index(self, day: dt.date) -> int:
        """The index of a day of the history (clamped to it)."""
        return min(max((day - self.first).days, 0), HISTORY_DAYS - 1)

    def open_day_from(self, rng: random.Random, start: int) -> int:
        """A working day of the branches, `start` or a few days after; -1 if none is drawn
        within the history."""
        for n in range(start, min(start + 10, HISTORY_DAYS)):
            if self.day_kind[n] != CLOSED and rng.random() < 0.6:
                return n
        return -1

    def opening_time(self, rng: random.Random, day: int) -> int:
        """A time during the branches' opening hours of a working day."""
        minute: int = self.opening[self.day_kind[day]].draw(rng)
        return self.midnights[day] + minute * 60 + int(rng.random() * 60)


def _seasonal(day: dt.date, channel: str, launches: Sequence[dt.date]) -> float:
    """More contacts at the start of the month, fewer in August and at Christmas, more in
    the ten days after a campaign's launch."""
    weight = 1.0
    if day.day <= 5:
        weight *= 1.5 if channel in ("app", "web") else 1.3
    elif day.day >= 28 and channel == "app":
        weight *= 1.15
    if day.month == 8 and channel in ("branch", "phone"):
        weight *= 0.7
    if day.month == 12 and day.day >= 22:
        weight *= 0.7
    if channel in ("app", "web", "phone", "branch"):
        for launch in launches:
            if 0 <= (day - launch).days < 10:
                weight *= 1.2
    return weight
