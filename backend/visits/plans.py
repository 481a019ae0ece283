"""Chamber plans: a leader's planned visits to a chamber of commerce in a year.

`completed_visits` counts the leader's chamber visits to that chamber whose `visited_at` falls in
the year reckoned in Asia/Shanghai. Who sees plans: admins and secretaries (their district's
chambers when scoped); a leader their own. A leader may create only their own plan.
"""

from __future__ import annotations

import uuid
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend.orgs.tables import Chamber, User
from backend.platform import clock
from backend.platform.actor import Actor, Role, require_in_scope
from backend.platform.dates import year_bounds
from backend.platform.db import is_unique_violation
from backend.platform.errors import Conflict, Forbidden, ValidationFailed
from backend.platform.ids import new_id, parse_id
from backend.platform.pagination import page_by_id
from backend.visits import schemas as s
from backend.visits.tables import ChamberPlan, Visit


async def completed_counts(*, year: int) -> dict[tuple[uuid.UUID, uuid.UUID], int]:
    """(leader id, chamber id) -> chamber visits in `year`."""
    start, end = year_bounds(year)
    rows = await (
        Visit.select(Visit.leader_id, Visit.chamber_id, Count(Visit.id, alias="visits"))
        .where(Visit.chamber_id.is_not_null() & (Visit.visited_at >= start) & (Visit.visited_at < end))
        .group_by(Visit.leader_id, Visit.chamber_id)
    )
    return {(r["leader_id"], r["chamber_id"]): int(r["visits"]) for r in rows}


def _scope(query: Any, actor: Actor) -> Any:
    if actor.role == Role.LEADER:
        return query.where(ChamberPlan.leader_id == uuid.UUID(actor.id))
    if actor.role in (Role.ADMIN, Role.SECRETARY):
        return query.where(ChamberPlan.chamber_id.district == actor.district) if actor.district else query
    return query.where(ChamberPlan.id.is_null())


async def _reads(rows: list[dict[str, Any]], year: int | None = None) -> list[s.ChamberPlanRead]:
    counts: dict[int, dict[tuple[uuid.UUID, uuid.UUID], int]] = {}
    for y in {r["year"] for r in rows}:
        counts[y] = await completed_counts(year=y)
    return [
        s.ChamberPlanRead(
            id=str(r["id"]),
            leader_id=str(r["leader_id"]),
            chamber_id=str(r["chamber_id"]),
            year=r["year"],
            planned_visits=r["planned_visits"],
            completed_visits=counts[r["year"]].get((r["leader_id"], r["chamber_id"]), 0),
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def create(*, data: s.ChamberPlanCreate, actor: Actor) -> s.ChamberPlanRead:
    """Plan a leader's visits to a chamber for a year (unique per leader, chamber and year)."""
    leader_id = parse_id(data.leader_id)
    if actor.role == Role.LEADER and leader_id != uuid.UUID(actor.id):
        raise Forbidden("A leader plans their own chamber visits.", code="not_your_plan")
    leader = (
        leader_id
        and await User.select(User.id, User.role, User.district, User.active).where(User.id == leader_id).first()
    )
    if not leader or not leader["active"] or leader["role"] != Role.LEADER.value:
        raise ValidationFailed(
            "The leader must be an active user with the leader role.", field="leader_id", code="unknown_leader"
        )
    chamber_id = parse_id(data.chamber_id)
    chamber = chamber_id and await Chamber.select(Chamber.id, Chamber.district).where(Chamber.id == chamber_id).first()
    if not chamber:
        raise ValidationFailed("No such chamber.", field="chamber_id", code="unknown_chamber")
    require_in_scope(actor, chamber["district"], "That chamber")
    if leader["district"] is not None and leader["district"] != chamber["district"]:
        raise ValidationFailed(
            "The chamber is outside the leader's district.", field="chamber_id", code="user_out_of_district"
        )
    duplicate = Conflict("That leader already has a plan for this chamber and year.", code="plan_exists")
    same = (
        (ChamberPlan.leader_id == leader_id) & (ChamberPlan.chamber_id == chamber_id) & (ChamberPlan.year == data.year)
    )
    if await ChamberPlan.exists().where(same):
        raise duplicate
    row = ChamberPlan(
        id=new_id(),
        leader_id=leader_id,
        chamber_id=chamber_id,
        year=data.year,
        planned_visits=data.planned_visits,
        created_by=uuid.UUID(actor.id),
        created_at=clock.now(),
    )
    try:
        await ChamberPlan.insert(row)
    except Exception as exc:
        if is_unique_violation(exc):
            raise duplicate from None
        raise
    return (await _reads([row.to_dict()]))[0]


async def get_all(
    *, actor: Actor, year: int, leader_id: str | None, chamber_id: str | None, limit: int, cursor: str | None
) -> tuple[list[s.ChamberPlanRead], str | None]:
    """The year's plans the actor may see, each with its completed visits."""
    query = _scope(ChamberPlan.select(), actor).where(ChamberPlan.year == year)
    for raw, column in ((leader_id, ChamberPlan.leader_id), (chamber_id, ChamberPlan.chamber_id)):
        if raw is not None:
            query = query.where(column == (parse_id(raw) or uuid.UUID(int=0)))
    rows, next_cursor = await page_by_id(query, ChamberPlan.id, limit=limit, cursor=cursor)
    return await _reads(rows), next_cursor


async def plan_progress(*, year: int, district: str | None = None) -> list[s.ChamberPlanRead]:
    """Every plan of `year` (optionally one district's chambers) with completed visits; unscoped."""
    query = ChamberPlan.select().where(ChamberPlan.year == year)
    if district is not None:
        query = query.where(ChamberPlan.chamber_id.district == district)
    return await _reads(await query.order_by(ChamberPlan.id))
