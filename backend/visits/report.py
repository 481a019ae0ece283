"""The visit figures reports are built from: visits and their results, the issues raised at them
per leader, and chamber plans against chamber visits.

Every query takes a period as UTC instants [start, end) over `visited_at` and an optional
district (the visit's own: an enterprise's or a chamber's).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

import msgspec

from backend.issues import machine
from backend.issues.report import status_in
from backend.platform.sql import key, n, rows, where


class VisitCounts(msgspec.Struct, kw_only=True):
    key: str | None = None  # a district or a leader id; None when ungrouped
    visits: int = 0
    enterprises: int = 0  # distinct enterprises visited
    financing_fen: int = 0
    hires: int = 0


class LeaderIssues(msgspec.Struct, kw_only=True):
    key: str  # the leader's id
    raised: int = 0  # issues raised at the leader's visits in the period
    solved: int = 0  # of those, now resolved or closed


class ChamberProgress(msgspec.Struct):
    planned: int  # planned visits of the plans of the years asked for
    completed: int  # chamber visits in those years that count toward a plan


def _key(value: Any) -> str | None:
    return str(value) if isinstance(value, uuid.UUID) else value


def _scope(start: dt.datetime, end: dt.datetime, district: str | None, alias: str = "v") -> tuple[list[str], list]:
    cond = [f"{alias}.visited_at >= {{}}", f"{alias}.visited_at < {{}}"]
    args: list[Any] = [start, end]
    if district:
        cond.append(f"{alias}.district = {{}}")
        args.append(district)
    return cond, args


async def counts(
    *,
    start: dt.datetime,
    end: dt.datetime,
    district: str | None,
    by: Literal["district", "leader_id"] | None = None,
) -> list[VisitCounts]:
    """Visits in [start, end) (to enterprises and chambers), the enterprises they reached, their results."""
    select, group = key(by and f"v.{by}")
    cond, args = _scope(start, end, district)
    found = await rows(
        f"SELECT {select}COUNT(*) AS visits, COUNT(DISTINCT v.enterprise_id) AS enterprises,"
        " SUM(v.financing_fen) AS financing_fen, SUM(v.hires_helped) AS hires"
        f" FROM visits v{where(cond)}{group}",
        *args,
    )
    return [
        VisitCounts(
            key=_key(r.get("key")),
            visits=n(r["visits"]),
            enterprises=n(r["enterprises"]),
            financing_fen=n(r["financing_fen"]),
            hires=n(r["hires"]),
        )
        for r in found
    ]


async def leader_issue_counts(*, start: dt.datetime, end: dt.datetime, district: str | None) -> list[LeaderIssues]:
    """Per leader, the issues raised at their visits in [start, end), and how many are solved now."""
    cond, args = _scope(start, end, district)
    found = await rows(
        f"SELECT v.leader_id AS key, COUNT(*) AS raised,"
        f" SUM(CASE WHEN {status_in('i', machine.SOLVED)} THEN 1 ELSE 0 END) AS solved"
        f" FROM issues i JOIN visits v ON v.id = i.visit_id{where(cond)} GROUP BY v.leader_id",
        *args,
    )
    return [LeaderIssues(key=str(_key(r["key"])), raised=n(r["raised"]), solved=n(r["solved"])) for r in found]


async def chamber_progress(
    *, years: list[tuple[int, dt.datetime, dt.datetime]], district: str | None
) -> ChamberProgress:
    """Planned visits of the chamber plans of `years`, and the chamber visits within each
    (year, start, end) that count toward a plan (same leader, chamber and year). District: the chamber's."""
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
        cond, args = _scope(start, end, district)
        cond.append("v.chamber_id IS NOT NULL")
        sql = (
            f"SELECT COUNT(*) AS done FROM visits v{where(cond)} AND EXISTS (SELECT 1 FROM chamber_plans p"
            " WHERE p.leader_id = v.leader_id AND p.chamber_id = v.chamber_id AND p.year = {})"
        )
        completed += n((await rows(sql, *args, year))[0]["done"])
    return ChamberProgress(planned=n(planned[0]["planned"]), completed=completed)
