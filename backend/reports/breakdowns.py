"""Breakdowns an office reads beside the summary: by district, by leader, and the department
league table (response, on-time and satisfaction rates). Each groups the same domain queries as
the summary, so the rows add up to it."""

from __future__ import annotations

import asyncio
import uuid

from backend.cards import report as cards
from backend.issues import report as issues
from backend.orgs.tables import Department, Enterprise, User
from backend.platform import clock, money
from backend.platform.sql import rate
from backend.reports import schemas as s
from backend.reports.params import Period
from backend.reports.summary import issue_figures, period_read
from backend.visits import report as visits


async def by_district(*, period: Period, district: str | None) -> s.DistrictBreakdown:
    """One row per district: the summary's figures grouped by district."""
    now = clock.now()
    span = {"start": period.start, "end": period.end, "district": district}
    known = Enterprise.select(Enterprise.district).distinct()
    if district:
        known = known.where(Enterprise.district == district)
    issue_rows, visit_rows, card_rows, used_rows, known_rows = await asyncio.gather(
        issues.counts(**span, now=now, by="district"),
        visits.counts(**span, by="district"),
        cards.counts(**span, now=now, by="district"),
        cards.redemption_counts(**span, by="district"),
        known.run(),
    )
    issue_by = {r.key: r for r in issue_rows}
    visit_by = {r.key: r for r in visit_rows}
    card_by = {r.key: r for r in card_rows}
    used_by = {r.key: r.total for r in used_rows}
    names = {r["district"] for r in known_rows} | issue_by.keys() | visit_by.keys() | card_by.keys() | used_by.keys()
    items = []
    for name in sorted(k for k in names if k is not None):
        i = issue_figures(issue_by.get(name))
        v, c = visit_by.get(name) or visits.VisitCounts(), card_by.get(name) or cards.CardCounts()
        items.append(
            s.DistrictRow(
                district=name,
                enterprises_visited=v.enterprises,
                visits=v.visits,
                financing_coordinated=money.render(v.financing_fen),
                hires_helped=v.hires,
                issues_received=i.received,
                issues_resolved=i.resolved,
                issues_open=i.open,
                issues_overdue=i.overdue,
                on_time_rate=i.on_time_rate,
                satisfaction_rate=i.satisfaction_rate,
                cards_issued=c.issued,
                cards_active=c.active,
                redemptions=used_by.get(name, 0),
            )
        )
    return s.DistrictBreakdown(period=period_read(period), district=district, items=items)


async def by_leader(*, period: Period, district: str | None) -> s.LeaderBreakdown:
    """One row per leader: their visits in the period, and the issues raised at those visits."""
    span = {"start": period.start, "end": period.end, "district": district}
    visit_rows, raised_rows = await asyncio.gather(
        visits.counts(**span, by="leader_id"), visits.leader_issue_counts(**span)
    )
    visit_by = {r.key: r for r in visit_rows}
    raised_by = {r.key: r for r in raised_rows}
    leaders = User.select(User.id, User.username, User.display_name, User.district).where(User.role == "leader")
    if district:
        leaders = leaders.where(User.district == district)
    people = {str(r["id"]): r for r in await leaders}
    missing = [uuid.UUID(k) for k in (visit_by.keys() | raised_by.keys()) - people.keys() if k is not None]
    if missing:
        extra = await User.select(User.id, User.username, User.display_name, User.district).where(
            User.id.is_in(missing)
        )
        people |= {str(r["id"]): r for r in extra}
    items = []
    for leader_id, person in people.items():
        v = visit_by.get(leader_id) or visits.VisitCounts()
        r = raised_by.get(leader_id) or visits.LeaderIssues(key=leader_id)
        items.append(
            s.LeaderRow(
                leader_id=leader_id,
                name=person["display_name"] or person["username"],
                district=person["district"],
                visits=v.visits,
                enterprises_visited=v.enterprises,
                issues_raised=r.raised,
                issues_solved=r.solved,
                financing_coordinated=money.render(v.financing_fen),
                hires_helped=v.hires,
            )
        )
    items.sort(key=lambda row: (-row.visits, -row.issues_solved, row.name, row.leader_id))
    return s.LeaderBreakdown(period=period_read(period), district=district, items=items)


async def departments(*, period: Period, district: str | None) -> s.DepartmentLeague:
    """The league table: each department's issues of the period and its three rates (the response
    rate as `issues.report.department_counts` defines it)."""
    grouped = {
        r.key: r
        for r in await issues.department_counts(
            start=period.start,
            end=period.end,
            first_day=period.first,
            last_day=period.last,
            district=district,
            now=clock.now(),
        )
    }
    items = []
    for dept in await Department.select(Department.id, Department.name):
        g = grouped.get(str(dept["id"])) or issues.DepartmentCounts()
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
                response_rate=rate(g.responded, g.response_due),
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
