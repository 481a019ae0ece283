"""Dates as the city counts them: Asia/Shanghai business dates (UTC+8, no daylight saving) and the
UTC instants that bound them. Every "midnight in Shanghai" of the app is computed here; the
database side of the same rule is `backend.platform.sql.shanghai_day`. Working days (holidays,
deadlines) are `backend.platform.workdays`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(at: dt.datetime) -> dt.datetime:
    """`at` (aware) as Shanghai wall-clock time."""
    return at.astimezone(SHANGHAI)


def business_date(at: dt.datetime) -> dt.date:
    """The Shanghai calendar date of the instant `at`."""
    return at.astimezone(SHANGHAI).date()


def at_local(day: dt.date, time: dt.time) -> dt.datetime:
    """The UTC instant of `time` o'clock on `day` in Shanghai."""
    return dt.datetime.combine(day, time, tzinfo=SHANGHAI).astimezone(dt.UTC)


def midnight(day: dt.date) -> dt.datetime:
    """The UTC instant `day` begins in Shanghai (2026-03-01 -> 2026-02-28 16:00 UTC)."""
    return at_local(day, dt.time(0))


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end): the UTC instants covering business dates `first`..`last`, both inclusive."""
    return midnight(first), midnight(last + dt.timedelta(days=1))


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January, next 1 January) of `year` in Shanghai, as UTC instants."""
    return midnight(dt.date(year, 1, 1)), midnight(dt.date(year + 1, 1, 1))


def stamp(at: dt.datetime) -> str:
    """An instant as people read it: Shanghai local time to the minute, `2026-03-05 23:59`."""
    return local(at).strftime("%Y-%m-%d %H:%M")
