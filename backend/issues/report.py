"""The issue figures reports are built from, and the SQL that defines them.

The status sets come from `machine` and "overdue" is `overdue_sql` (the ORM filters of the
issue lists use it too), so a report counts exactly what the lists and the review queue show.
Every query takes a period as UTC instants [start, end) over `reported_at`, an optional
district (the enterprise's, copied onto the issue) and `now` (for "overdue").
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import Any, Literal

import msgspec

from backend.issues import machine, rules
from backend.issues.schemas import Disposition, Status
from backend.platform import dates, workdays
from backend.platform.sql import day, in_list, key, prefix, rows, shanghai_day, values_table, where


def status_in(alias: str, statuses: frozenset[Status]) -> str:
    """SQL: the issue's status is one of `statuses`."""
    return f"{prefix(alias)}status IN {in_list([s.value for s in statuses])}"


def overdue_sql(alias: str) -> str:
    """SQL: the issue is overdue, i.e. unresolved with a deadline before the one parameter `now`
    (the same rule as `service.is_overdue`)."""
    a = prefix(alias)
    return f"({status_in(alias, machine.UNRESOLVED)} AND {a}due_at IS NOT NULL AND {a}due_at < {{}})"


def _count(condition: str, name: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {name}"


_SOLVED, _UNRESOLVED = status_in("i", machine.SOLVED), status_in("i", machine.UNRESOLVED)
# The figure columns over issues `i`; one parameter: now.
COUNTS_SQL = ", ".join(
    [
        "COUNT(*) AS received",
        *(_count(f"i.disposition = '{d.value}'", d.value) for d in Disposition),
        _count(_SOLVED, "resolved"),
        _count(_UNRESOLVED, "open"),
        _count(overdue_sql("i"), "overdue"),
        _count(f"{_SOLVED} AND i.due_at IS NOT NULL", "with_deadline"),
        _count(f"{_SOLVED} AND i.due_at IS NOT NULL AND i.resolved_at <= i.due_at", "on_time"),
        _count("i.satisfied IS NOT NULL", "feedback"),
        _count("i.satisfied = TRUE", "satisfied"),
    ]
)


class IssueCounts(msgspec.Struct, kw_only=True):
    """Issues reported in a period, by disposition and by where they stand now."""

    key: str | None = None  # the grouping value (a district, a department id), None when ungrouped
    received: int = 0
    on_spot: int = 0
    assigned: int = 0
    transferred: int = 0
    redirected: int = 0
    resolved: int = 0
    open: int = 0
    overdue: int = 0
    with_deadline: int = 0  # solved ones that had a deadline (the on-time rate's denominator)
    on_time: int = 0
    feedback: int = 0
    satisfied: int = 0


class DepartmentCounts(IssueCounts, kw_only=True):
    """A department's issues, plus its response: acted on within the response window."""

    response_due: int = 0  # assigned, and either acted on or past the window
    responded: int = 0  # acted on by the end of the window


def _counts(row: dict[str, Any], struct: type[IssueCounts]) -> Any:
    values = {k: int(v or 0) for k, v in row.items() if k != "key"}
    k = row.get("key")
    return struct(key=str(k) if isinstance(k, uuid.UUID) else k, **values)


def _scope(start: dt.datetime, end: dt.datetime, district: str | None) -> tuple[list[str], list[Any]]:
    cond = ["i.reported_at >= {}", "i.reported_at < {}"]
    args: list[Any] = [start, end]
    if district:
        cond.append("i.district = {}")
        args.append(district)
    return cond, args


async def counts(
    *,
    start: dt.datetime,
    end: dt.datetime,
    district: str | None,
    now: dt.datetime,
    by: Literal["district"] | None = None,
) -> list[IssueCounts]:
    """Issues reported in [start, end): one row (`by=None`) or one per district."""
    select, group = key(by and f"i.{by}")
    cond, args = _scope(start, end, district)
    found = await rows(f"SELECT {select}{COUNTS_SQL} FROM issues i{where(cond)}{group}", now, *args)
    return [_counts(r, IssueCounts) for r in found]


@functools.lru_cache(maxsize=8192)
def respond_by(business_day: dt.date) -> dt.datetime:
    """The response deadline of an issue assigned on `business_day`: the end of the
    `RESPONSE_WORKING_DAYS`-th working day after it."""
    return workdays.deadline_after(dates.at_local(business_day, dt.time(12)), rules.RESPONSE_WORKING_DAYS)


def _calendar(first_day: dt.date, last_day: dt.date, now: dt.datetime) -> tuple[str, list[Any]]:
    """Response deadlines for every business day an issue of the period may have been assigned on:
    from the period's first day to today, but no further than 400 days past its last (an issue
    first assigned later than that counts as not answered in time; it keeps the query small)."""
    last = min(max(first_day, dates.business_date(now)), last_day + dt.timedelta(days=400))
    days = [first_day + dt.timedelta(days=k) for k in range((last - first_day).days + 1)]
    return values_table("cal", ("day", "respond_by"), ("DATE", "TIMESTAMPTZ"), [(day(d), respond_by(d)) for d in days])


async def department_counts(
    *,
    start: dt.datetime,
    end: dt.datetime,
    first_day: dt.date,
    last_day: dt.date,
    district: str | None,
    now: dt.datetime,
) -> list[DepartmentCounts]:
    """Per department (key: its id), the issues reported in [start, end) that are now with it.

    Response: issues acted on (`first_response_at`) by `respond_by` of the business date they were
    assigned, out of those assigned whose window has passed or that were acted on. `first_day` and
    `last_day` are the period's business dates (they bound the deadline calendar).
    """
    cal, cal_args = _calendar(first_day, last_day, now)
    cond, args = _scope(start, end, district)
    cond.append("i.department_id IS NOT NULL")
    sql = (
        f"WITH {cal} SELECT i.department_id AS key, {COUNTS_SQL},"
        " SUM(CASE WHEN i.assigned_at IS NOT NULL AND (i.first_response_at IS NOT NULL"
        " OR cal.respond_by < {}) THEN 1 ELSE 0 END) AS response_due,"
        " SUM(CASE WHEN i.first_response_at <= cal.respond_by THEN 1 ELSE 0 END) AS responded"
        f" FROM issues i LEFT JOIN cal ON cal.day = {shanghai_day('i.assigned_at')}"
        f"{where(cond)} GROUP BY i.department_id"
    )
    found = await rows(sql, *cal_args, now, now, *args)
    return [_counts(r, DepartmentCounts) for r in found]
