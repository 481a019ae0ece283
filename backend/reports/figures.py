"""The aggregate queries behind the summary and the breakdowns.

Each function returns grouped rows: with `by=None` one row for the whole scope, otherwise one row
per value of the grouping key. The summary and every breakdown are built from these same
queries, so the figures agree by construction (the sum of the districts is the city).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.reports.params import Period
from backend.reports.sql import OPEN, SOLVED, n, rows, where


def _key(by: str | None) -> tuple[str, str]:
    return (f"{by} AS key, ", f" GROUP BY {by}") if by else ("", "")


ISSUE_COLUMNS = (
    "COUNT(*) AS received,"
    " SUM(CASE WHEN i.disposition = 'on_spot' THEN 1 ELSE 0 END) AS on_spot,"
    " SUM(CASE WHEN i.disposition = 'assigned' THEN 1 ELSE 0 END) AS assigned,"
    " SUM(CASE WHEN i.disposition = 'transferred' THEN 1 ELSE 0 END) AS transferred,"
    " SUM(CASE WHEN i.disposition = 'redirected' THEN 1 ELSE 0 END) AS redirected,"
    f" SUM(CASE WHEN i.status IN {SOLVED} THEN 1 ELSE 0 END) AS resolved,"
    f" SUM(CASE WHEN i.status IN {OPEN} THEN 1 ELSE 0 END) AS open,"
    f" SUM(CASE WHEN i.status IN {OPEN} AND i.due_at < {{}} THEN 1 ELSE 0 END) AS overdue,"
    f" SUM(CASE WHEN i.status IN {SOLVED} AND i.due_at IS NOT NULL THEN 1 ELSE 0 END) AS with_deadline,"
    f" SUM(CASE WHEN i.status IN {SOLVED} AND i.due_at IS NOT NULL AND i.resolved_at <= i.due_at"
    " THEN 1 ELSE 0 END) AS on_time,"
    " SUM(CASE WHEN i.satisfied IS NOT NULL THEN 1 ELSE 0 END) AS feedback,"
    " SUM(CASE WHEN i.satisfied = TRUE THEN 1 ELSE 0 END) AS satisfied"
)  # one parameter: now


def issue_scope(period: Period, district: str | None) -> tuple[list[str], list[Any]]:
    """Conditions (over alias `i`) for the issues reported in the period, in the district."""
    cond = ["i.reported_at >= {}", "i.reported_at < {}"]
    args: list[Any] = [period.start, period.end]
    if district:
        cond.append("i.district = {}")
        args.append(district)
    return cond, args


async def issues(period: Period, district: str | None, now: dt.datetime, by: str | None = None) -> list[dict[str, Any]]:
    """Issues reported in the period, counted by disposition and by where they stand now."""
    key, group = _key(by and f"i.{by}")
    cond, args = issue_scope(period, district)
    sql = f"SELECT {key}{ISSUE_COLUMNS} FROM issues i{where(cond)}{group}"
    return await rows(sql, now, *args)


async def visits(period: Period, district: str | None, by: str | None = None) -> list[dict[str, Any]]:
    """Visits in the period (to enterprises and chambers), the enterprises they reached, their results."""
    key, group = _key(by)
    cond = ["visited_at >= {}", "visited_at < {}"]
    args: list[Any] = [period.start, period.end]
    if district:
        cond.append("district = {}")
        args.append(district)
    sql = (
        f"SELECT {key}COUNT(*) AS visits, COUNT(DISTINCT enterprise_id) AS enterprises,"
        " SUM(financing_fen) AS financing_fen, SUM(hires_helped) AS hires"
        f" FROM visits{where(cond)}{group}"
    )
    return await rows(sql, *args)


async def cards(period: Period, district: str | None, now: dt.datetime, by: str | None = None) -> list[dict[str, Any]]:
    """Cards issued in the period, and every card by its status now (district: the enterprise's)."""
    key, group = _key(by and f"e.{by}")
    cond: list[str] = []
    args: list[Any] = [period.start, period.end, now, now, now]
    if district:
        cond.append("e.district = {}")
        args.append(district)
    join = " JOIN enterprises e ON e.id = c.enterprise_id" if (district or by) else ""
    sql = (
        f"SELECT {key}SUM(CASE WHEN c.issued_at >= {{}} AND c.issued_at < {{}} THEN 1 ELSE 0 END) AS issued,"
        " SUM(CASE WHEN c.status = 'revoked' THEN 1 ELSE 0 END) AS revoked,"
        " SUM(CASE WHEN c.status <> 'revoked' AND c.valid_until <= {} THEN 1 ELSE 0 END) AS expired,"
        " SUM(CASE WHEN c.status = 'active' AND c.valid_until > {} THEN 1 ELSE 0 END) AS active,"
        " SUM(CASE WHEN c.status = 'suspended' AND c.valid_until > {} THEN 1 ELSE 0 END) AS suspended"
        f" FROM cards c{join}{where(cond)}{group}"
    )
    return await rows(sql, *args)


async def redemptions(period: Period, district: str | None, by: str = "service") -> list[dict[str, Any]]:
    """Redemptions in the period, counted by `by` (a column of the redemption or `district`,
    the service point's district: where the service was given)."""
    column = "p.district" if by == "district" else f"r.{by}"
    cond = ["r.at >= {}", "r.at < {}"]
    args: list[Any] = [period.start, period.end]
    if district:
        cond.append("p.district = {}")
        args.append(district)
    join = " JOIN service_points p ON p.id = r.service_point_id" if (district or by == "district") else ""
    sql = f"SELECT {column} AS key, COUNT(*) AS total FROM card_redemptions r{join}{where(cond)} GROUP BY {column}"
    return await rows(sql, *args)


async def chambers(period: Period, district: str | None) -> tuple[int, int]:
    """(planned, completed): the plans of the years the period touches, and the chamber visits in
    the period that count toward a plan (same leader, chamber and year)."""
    years = period.years()
    cond = ["p.year >= {}", "p.year <= {}"]
    args: list[Any] = [years[0][0], years[-1][0]]
    if district:
        cond.append("c.district = {}")
        args.append(district)
    planned = await rows(
        "SELECT SUM(p.planned_visits) AS planned FROM chamber_plans p"
        f" JOIN chambers c ON c.id = p.chamber_id{where(cond)}",
        *args,
    )
    completed = 0
    for year, start, end in years:
        cond = ["v.chamber_id IS NOT NULL", "v.visited_at >= {}", "v.visited_at < {}"]
        args = [start, end, year]
        if district:
            cond.insert(1, "v.district = {}")
            args.insert(0, district)
        sql = (
            f"SELECT COUNT(*) AS done FROM visits v{where(cond)} AND EXISTS (SELECT 1 FROM chamber_plans p"
            " WHERE p.leader_id = v.leader_id AND p.chamber_id = v.chamber_id AND p.year = {})"
        )
        completed += n((await rows(sql, *args))[0]["done"])
    return n(planned[0]["planned"]), completed
