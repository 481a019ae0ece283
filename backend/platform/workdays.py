"""Chinese working days (public holidays and adjusted weekend workdays) in Asia/Shanghai.

Deadlines "in N working days" and "working hours" for reminders are reckoned here, on the
`holidays` package's China calendar, which knows the State Council's substituted workdays.
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays

from backend.platform.dates import SHANGHAI

WORK_START = dt.time(9, 0)
WORK_END = dt.time(18, 0)


@functools.cache
def _calendar() -> holidays.HolidayBase:
    return holidays.China()  # expands to any year on first lookup


def is_working_day(day: dt.date) -> bool:
    return _calendar().is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n >= 1); `day` itself does not count."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return _calendar().get_nth_working_day(day, n)


@functools.cache
def _year_counts(year: int) -> tuple[int, ...]:
    """Working days from 1 January of `year` up to and including each day of it."""
    counts, total, day = [], 0, dt.date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += dt.timedelta(days=1)
    return tuple(counts)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days have passed from start to end."""
    if end <= start:
        return 0
    whole_years = sum(_year_counts(y)[-1] for y in range(start.year, end.year))
    return (
        whole_years
        + _year_counts(end.year)[end.timetuple().tm_yday - 1]
        - _year_counts(start.year)[start.timetuple().tm_yday - 1]
    )


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of `day` in Asia/Shanghai, as an aware UTC datetime."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI).astimezone(dt.UTC)


def deadline_after(at: dt.datetime, working_days: int) -> dt.datetime:
    """End of the `working_days`-th working day after the business date of `at`."""
    return end_of_day(add_working_days(at.astimezone(SHANGHAI).date(), working_days))


def in_working_hours(at: dt.datetime) -> bool:
    local = at.astimezone(SHANGHAI)
    return is_working_day(local.date()) and WORK_START <= local.time() < WORK_END


def next_working_hours(at: dt.datetime) -> dt.datetime:
    """`at` itself if within working hours, else the start of the next working period."""
    if in_working_hours(at):
        return at
    local = at.astimezone(SHANGHAI)
    day = local.date()
    if not (is_working_day(day) and local.time() < WORK_START):
        day = add_working_days(day, 1)
    return dt.datetime.combine(day, WORK_START, tzinfo=SHANGHAI).astimezone(dt.UTC)
