"""Breakdowns an office reads beside the summary: by district, by leader, and the department
league table (response, on-time and satisfaction rates)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import uuid
from typing import Any

from backend.orgs.tables import Department, Enterprise, User
from backend.platform import clock
from backend.platform.workdays import deadline_after
from backend.reports import figures
from backend.reports import schemas as s
from backend.reports.params import Period
from backend.reports.sql import SOLVED, day, money, n, rate, rows, shanghai_day, values_table, where
from backend.reports.summary import issue_figures, period_read


def _by_key(result: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {str(r["key"]) if isinstance(r["key"], uuid.UUID) else r["key"]: r for r in result}


async def by_district(*, period: Period, district: str | None) -> s.DistrictBreakdown:
    """One row per district: the summary's figures grouped by district."""
    now = clock.now()
    known = Enterprise.select(Enterprise.district).distinct()
    if district:
        known = known.where(Enterprise.district == district)
    results = await asyncio.gather(
        figures.issues(period, district, now, by="district"),
        figures.visits(period, district, by="district"),
        figures.cards(period, district, now, by="district"),
        figures.redemptions(period, district, by="district"),
        known.run(),
    )
    issues, visits, cards, used = (_by_key(r) for r in results[:4])
    names = {r["district"] for r in results[4]} | issues.keys() | visits.keys() | cards.keys() | used.keys()
    items = []
    for name in sorted(k for k in names if k is not None):
        i = issue_figures(issues.get(name))
        v, c = visits.get(name, {}), cards.get(name, {})
        items.append(
            s.DistrictRow(
                district=name,
                enterprises_visited=n(v.get("enterprises")),
                visits=n(v.get("visits")),
                financing_coordinated=money(v.get("financing_fen")),
                hires_helped=n(v.get("hires")),
                issues_received=i.received,
                issues_resolved=i.resolved,
                issues_open=i.open,
                issues_overdue=i.overdue,
                on_time_rate=i.on_time_rate,
                satisfaction_rate=i.satisfaction_rate,
                cards_issued=n(c.get("issued")),
                cards_active=n(c.get("active")),
                redemptions=n(used.get(name, {}).get("total")),
            )
        )
    return s.DistrictBreakdown(period=period_read(period), district=district, items=items)


async def by_leader(*, period: Period, district: str | None) -> s.LeaderBreakdown:
    """One row per leader: their visits in the period, and the issues raised at those visits."""
    cond = ["v.visited_at >= {}", "v.visited_at < {}"]
    args: list[Any] = [period.start, period.end]
    if district:
        cond.append("v.district = {}")
        args.append(district)
    visits, raised = (
        _by_key(r)
        for r in await asyncio.gather(
            figures.visits(period, district, by="leader_id"),
            rows(
                f"SELECT v.leader_id AS key, COUNT(*) AS raised,"
                f" SUM(CASE WHEN i.status IN {SOLVED} THEN 1 ELSE 0 END) AS solved"
                f" FROM issues i JOIN visits v ON v.id = i.visit_id{where(cond)} GROUP BY v.leader_id",
                *args,
            ),
        )
    )
    leaders = User.select(User.id, User.username, User.display_name, User.district).where(User.role == "leader")
    if district:
        leaders = leaders.where(User.district == district)
    people = {str(r["id"]): r for r in await leaders}
    missing = [uuid.UUID(k) for k in (visits.keys() | raised.keys()) - people.keys()]
    if missing:
        extra = await User.select(User.id, User.username, User.display_name, User.district).where(
            User.id.is_in(missing)
        )
        people |= {str(r["id"]): r for r in extra}
    items = []
    for leader_id, person in people.items():
        v, r = visits.get(leader_id, {}), raised.get(leader_id, {})
        items.append(
            s.LeaderRow(
                leader_id=leader_id,
                name=person["display_name"] or person["username"],
                district=person["district"],
                visits=n(v.get("visits")),
                enterprises_visited=n(v.get("enterprises")),
                issues_raised=n(r.get("raised")),
                issues_solved=n(r.get("solved")),
                financing_coordinated=money(v.get("financing_fen")),
                hires_helped=n(v.get("hires")),
            )
        )
    items.sort(key=lambda row: (-row.visits, -row.issues_solved, row.name, row.leader_id))
    return s.LeaderBreakdown(period=period_read(period), district=district, items=items)


@functools.lru_cache(maxsize=8192)
def respond_by(business_day: dt.date) -> dt.datetime:
    """End of the first working day after `business_day`: the one-working-day response deadline."""
    return deadline_after(dt.datetime.combine(business_day, dt.time(12), tzinfo=clock.SHANGHAI), 1)


def _calendar(period: Period, now: dt.datetime) -> tuple[str, list[Any]]:
    """Response deadlines for every business day an issue of the period may have been assigned on:
    from the period's first day to today, but no further than 400 days past its last (an issue
    first assigned later than that counts as not answered in time; it keeps the query small)."""
    last = min(max(period.first, now.astimezone(clock.SHANGHAI).date()), period.last + dt.timedelta(days=400))
    days = [period.first + dt.timedelta(days=k) for k in range((last - period.first).days + 1)]
    return values_table("cal", ("day", "respond_by"), ("DATE", "TIMESTAMPTZ"), [(day(d), respond_by(d)) for d in days])


async def departments(*, period: Period, district: str | None) -> s.DepartmentLeague:
    """The league table: each department's issues of the period and its three rates.

    Response rate: issues acted on (`first_response_at`) by the end of the first working day after
    they were assigned, of those assigned whose window has passed or that were acted on.
    """
    now = clock.now()
    cal, cal_args = _calendar(period, now)
    cond, args = figures.issue_scope(period, district)
    cond.append("i.department_id IS NOT NULL")
    sql = (
        f"WITH {cal} SELECT i.department_id AS key, {figures.ISSUE_COLUMNS},"
        " SUM(CASE WHEN i.assigned_at IS NOT NULL AND (i.first_response_at IS NOT NULL"
        " OR cal.respond_by < {}) THEN 1 ELSE 0 END) AS response_due,"
        " SUM(CASE WHEN i.first_response_at <= cal.respond_by THEN 1 ELSE 0 END) AS responded"
        f" FROM issues i LEFT JOIN cal ON cal.day = {shanghai_day('i.assigned_at')}"
        f"{where(cond)} GROUP BY i.department_id"
    )
    grouped = _by_key(await rows(sql, *cal_args, now, now, *args))
    items = []
    for dept in await Department.select(Department.id, Department.name):
        g = grouped.get(str(dept["id"]), {})
        i = issue_figures(g)
        items.append(
            s.DepartmentRow(
                rank=0,
                department_id=str(dept["id"]),
                name=dept["name"],
                issues_assigned=i.received,
                issues_resolved=i.resolved,
                issues_open=i.open,
                issues_overdue=i.overdue,
                response_rate=rate(g.get("responded"), g.get("response_due")),
                on_time_rate=i.on_time_rate,
                satisfaction_rate=i.satisfaction_rate,
            )
        )
    # Ranked by the mean of the three rates; departments with no issues in the period go last.
    items.sort(
        key=lambda r: (r.issues_assigned == 0, -(r.response_rate + r.on_time_rate + r.satisfaction_rate), r.name)
    )
    for rank, row in enumerate(items, 1):
        row.rank = rank
    return s.DepartmentLeague(period=period_read(period), district=district, items=items)
