"""Working days across holidays, adjusted workdays and the new year."""

import datetime as dt

from backend.platform import workdays
from backend.platform.dates import SHANGHAI


def test_national_day_week_and_adjusted_sunday():
    assert not workdays.is_working_day(dt.date(2026, 10, 1))
    assert workdays.is_working_day(dt.date(2026, 9, 20))  # a Sunday worked in exchange
    assert workdays.add_working_days(dt.date(2026, 9, 30), 1) > dt.date(2026, 10, 7)


def test_deadline_counts_across_the_new_year():
    # 2026-12-31 is a Thursday; 1 January 2027 is a holiday.
    deadline = workdays.deadline_after(dt.datetime(2026, 12, 31, 10, tzinfo=SHANGHAI), 1)
    assert deadline.astimezone(SHANGHAI).date() > dt.date(2027, 1, 1)
    assert deadline.astimezone(SHANGHAI).time() == dt.time(23, 59, 59)


def test_working_hours():
    monday_morning = dt.datetime(2026, 11, 30, 8, 0, tzinfo=SHANGHAI)
    assert not workdays.in_working_hours(monday_morning)
    assert workdays.next_working_hours(monday_morning) == dt.datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    friday_evening = dt.datetime(2026, 11, 27, 19, 0, tzinfo=SHANGHAI)
    assert workdays.next_working_hours(friday_evening) == dt.datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    assert workdays.working_days_between(dt.date(2026, 11, 27), dt.date(2026, 11, 30)) == 1


def test_working_days_between_agrees_with_counting_day_by_day():
    start = dt.date(2025, 12, 20)
    for span in (0, 1, 7, 15, 40, 400):
        end = start + dt.timedelta(days=span)
        by_day = sum(workdays.is_working_day(start + dt.timedelta(days=i)) for i in range(1, span + 1))
        assert workdays.working_days_between(start, end) == by_day
    assert workdays.working_days_between(dt.date(2026, 10, 1), dt.date(2026, 9, 1)) == 0
