"""Assignments: one active leader per enterprise, with a team and a visiting interval.

Ending or handing over closes the row (`ended_at`) and keeps it, so the enterprise's history of
leaders stays readable. Who sees an assignment: admins and secretaries within their district;
leaders and other staff the assignments they lead or serve on; an owner their enterprise's.
"""

from __future__ import annotations

import uuid
from typing import Any, Iterable

import msgspec

from backend.assignments import schemas as s
from backend.assignments.tables import Assignment, AssignmentMember
from backend.orgs.tables import Enterprise, User
from backend.platform import clock
from backend.platform.actor import Actor, Role, require_in_scope
from backend.platform.db import is_unique_violation
from backend.platform.errors import Conflict, NotFound, ValidationFailed
from backend.platform.ids import new_id, parse_id
from backend.platform.pagination import page_by_id

# Roles that may serve on a team (the leader must be a leader).
TEAM_ROLES = (Role.LEADER, Role.SECRETARY, Role.DEPARTMENT, Role.ADMIN)


def _active() -> Any:
    return Assignment.ended_at.is_null()


async def assigned_enterprise_ids(*, user_id: str) -> list[uuid.UUID]:
    """Enterprises with an active assignment where the user is the leader or a team member."""
    user = parse_id(user_id)
    if user is None:
        return []
    led = await Assignment.select(Assignment.enterprise_id).where(_active() & (Assignment.leader_id == user))
    served = await AssignmentMember.select(
        AssignmentMember.assignment_id.enterprise_id.as_alias("enterprise_id")
    ).where((AssignmentMember.user_id == user) & AssignmentMember.assignment_id.ended_at.is_null())
    return sorted({r["enterprise_id"] for r in [*led, *served]})


async def active_assignment(*, enterprise_id: uuid.UUID) -> s.ActiveAssignment | None:
    """The enterprise's active assignment with its team, or None."""
    rows = await Assignment.select().where(_active() & (Assignment.enterprise_id == enterprise_id))
    found = await _with_teams(rows)
    return found[0] if found else None


async def active_assignments() -> list[s.ActiveAssignment]:
    """Every active assignment with its team, oldest first (two queries)."""
    return await _with_teams(await Assignment.select().where(_active()).order_by(Assignment.id))


async def active_leaders(*, enterprise_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, s.ActiveLeader]:
    """enterprise id -> the leader under its active assignment (one query)."""
    ids = list(set(enterprise_ids))
    if not ids:
        return {}
    rows = await Assignment.select(
        Assignment.enterprise_id, Assignment.leader_id, Assignment.leader_id.display_name.as_alias("leader_name")
    ).where(_active() & Assignment.enterprise_id.is_in(ids))
    return {
        r["enterprise_id"]: s.ActiveLeader(leader_id=r["leader_id"], leader_name=r["leader_name"] or "") for r in rows
    }


async def _with_teams(rows: list[dict[str, Any]]) -> list[s.ActiveAssignment]:
    teams: dict[uuid.UUID, list[uuid.UUID]] = {r["id"]: [] for r in rows}
    if teams:
        members = (
            await AssignmentMember.select(AssignmentMember.assignment_id, AssignmentMember.user_id)
            .where(AssignmentMember.assignment_id.is_in(list(teams)))
            .order_by(AssignmentMember.id)
        )
        for m in members:
            teams[m["assignment_id"]].append(m["user_id"])
    return [
        s.ActiveAssignment(
            id=r["id"],
            enterprise_id=r["enterprise_id"],
            leader_id=r["leader_id"],
            team=teams[r["id"]],
            visit_interval_days=r["visit_interval_days"],
            started_at=r["started_at"],
        )
        for r in rows
    ]


async def _team_of(assignment_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await AssignmentMember.select(AssignmentMember.user_id).where(
        AssignmentMember.assignment_id == assignment_id
    )
    return [r["user_id"] for r in rows]


def _scope(query: Any, actor: Actor) -> Any:
    """Rows of `query` (over Assignment) that `actor` may see."""
    if actor.role in (Role.ADMIN, Role.SECRETARY):
        if actor.district is not None:
            return query.where(Assignment.enterprise_id.district == actor.district)
        return query
    if actor.role == Role.ENTREPRENEUR:
        return query.where(Assignment.enterprise_id == parse_id(actor.enterprise_id or ""))
    if actor.role in (Role.LEADER, Role.DEPARTMENT):
        me = uuid.UUID(actor.id)
        member_of = AssignmentMember.select(AssignmentMember.assignment_id).where(AssignmentMember.user_id == me)
        return query.where((Assignment.leader_id == me) | Assignment.id.is_in(member_of))
    return query.where(Assignment.id.is_null())


async def _read(rows: list[dict[str, Any]]) -> list[s.AssignmentRead]:
    ids = [r["id"] for r in rows]
    teams: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    if ids:
        members = (
            await AssignmentMember.select(AssignmentMember.assignment_id, AssignmentMember.user_id)
            .where(AssignmentMember.assignment_id.is_in(ids))
            .order_by(AssignmentMember.id)
        )
        for m in members:
            teams[m["assignment_id"]].append(str(m["user_id"]))
    return [
        s.AssignmentRead(
            id=str(r["id"]),
            enterprise_id=str(r["enterprise_id"]),
            leader_id=str(r["leader_id"]),
            team=teams[r["id"]],
            mechanism=s.Mechanism(visit_interval_days=r["visit_interval_days"]),
            status="active" if r["ended_at"] is None else "ended",
            started_at=r["started_at"],
            ended_at=r["ended_at"],
            end_reason=r["end_reason"],
            handed_over_to=str(r["handed_over_to"]) if r["handed_over_to"] else None,
        )
        for r in rows
    ]


async def get(*, assignment_id: str, actor: Actor) -> s.AssignmentRead:
    value = parse_id(assignment_id)
    row = value and await _scope(Assignment.select(), actor).where(Assignment.id == value).first()
    if not row:
        raise NotFound("No such assignment.", code="assignment_not_found")
    return (await _read([row]))[0]


async def get_all(
    *,
    actor: Actor,
    enterprise_id: str | None,
    leader_id: str | None,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[s.AssignmentRead], str | None]:
    query = _scope(Assignment.select(), actor)
    for raw, column in ((enterprise_id, Assignment.enterprise_id), (leader_id, Assignment.leader_id)):
        if raw is not None:
            query = query.where(column == (parse_id(raw) or uuid.UUID(int=0)))
    if status == "active":
        query = query.where(_active())
    elif status == "ended":
        query = query.where(Assignment.ended_at.is_not_null())
    rows, next_cursor = await page_by_id(query, Assignment.id, limit=limit, cursor=cursor)
    return await _read(rows), next_cursor


# -- checks on the people and the enterprise ----------------------------------------------------


async def _enterprise(raw: str, actor: Actor) -> dict[str, Any]:
    value = parse_id(raw)
    row = value and await Enterprise.select(Enterprise.id, Enterprise.district).where(Enterprise.id == value).first()
    if not row:
        raise ValidationFailed("No such enterprise.", field="enterprise_id", code="unknown_enterprise")
    require_in_scope(actor, row["district"], "That enterprise")
    return row


async def _users(raw_ids: list[str]) -> dict[str, dict[str, Any]]:
    ids = [u for u in (parse_id(r) for r in raw_ids) if u is not None]
    if not ids:
        return {}
    rows = await User.select(User.id, User.role, User.district, User.active).where(User.id.is_in(ids))
    return {str(r["id"]): r for r in rows if r["active"]}


def _check_district(user: dict[str, Any], district: str, field: str) -> None:
    if user["district"] is not None and user["district"] != district:
        raise ValidationFailed(
            "That user's district does not include the enterprise.", field=field, code="user_out_of_district"
        )


async def _check_people(leader_id: str, team: list[str], district: str) -> tuple[uuid.UUID, list[uuid.UUID]]:
    users = await _users([leader_id, *team])
    leader = users.get(str(parse_id(leader_id)))
    if leader is None or leader["role"] != Role.LEADER.value:
        raise ValidationFailed(
            "The leader must be an active user with the leader role.", field="leader_id", code="unknown_leader"
        )
    _check_district(leader, district, "leader_id")
    members: list[uuid.UUID] = []
    for i, raw in enumerate(team):
        user = users.get(str(parse_id(raw)))
        field = f"team[{i}]"
        if user is None or user["role"] not in TEAM_ROLES:
            raise ValidationFailed(
                "A team member must be an active staff user.", field=field, code="unknown_team_member"
            )
        if user["id"] == leader["id"]:
            raise ValidationFailed(
                "The leader leads the team; do not list them in it.", field=field, code="leader_in_team"
            )
        if user["id"] in members:
            raise ValidationFailed("That user is listed twice.", field=field, code="duplicate_team_member")
        _check_district(user, district, field)
        members.append(user["id"])
    return leader["id"], members


async def _insert(
    *, enterprise_id: uuid.UUID, leader: uuid.UUID, team: list[uuid.UUID], interval: int, actor: Actor
) -> uuid.UUID:
    row_id = new_id()
    try:
        await Assignment.insert(
            Assignment(
                id=row_id,
                enterprise_id=enterprise_id,
                leader_id=leader,
                visit_interval_days=interval,
                started_at=clock.now(),
                created_by=uuid.UUID(actor.id),
            )
        )
    except Exception as exc:
        if is_unique_violation(exc):
            raise _already_assigned() from None
        raise
    if team:
        await AssignmentMember.insert(*(AssignmentMember(id=new_id(), assignment_id=row_id, user_id=u) for u in team))
    return row_id


def _already_assigned() -> Conflict:
    return Conflict(
        "The enterprise already has an active assignment; end it or hand it over.", code="assignment_exists"
    )


# -- writes (the route owns the transaction) -----------------------------------------------------


async def create(*, data: s.AssignmentCreate, actor: Actor) -> s.AssignmentRead:
    """Assign a leader, team and mechanism to an enterprise that has no active assignment."""
    enterprise = await _enterprise(data.enterprise_id, actor)
    leader, team = await _check_people(data.leader_id, data.team, enterprise["district"])
    if await Assignment.exists().where(_active() & (Assignment.enterprise_id == enterprise["id"])):
        raise _already_assigned()
    row_id = await _insert(
        enterprise_id=enterprise["id"],
        leader=leader,
        team=team,
        interval=data.mechanism.visit_interval_days,
        actor=actor,
    )
    return await get(assignment_id=str(row_id), actor=actor)


class OpenAssignment(msgspec.Struct, frozen=True):
    """An active assignment about to change, with its enterprise's district."""

    id: uuid.UUID
    enterprise_id: uuid.UUID
    leader_id: uuid.UUID
    visit_interval_days: int
    district: str


async def _open(assignment_id: str, actor: Actor) -> OpenAssignment:
    current = await get(assignment_id=assignment_id, actor=actor)
    if current.status != "active":
        raise Conflict("This assignment has ended; its history cannot change.", code="assignment_ended")
    row = (
        await Assignment.select(
            Assignment.id,
            Assignment.enterprise_id,
            Assignment.leader_id,
            Assignment.visit_interval_days,
            Assignment.enterprise_id.district.as_alias("district"),
        )
        .where(Assignment.id == uuid.UUID(current.id))
        .first()
    )
    return OpenAssignment(**row)


async def update(*, assignment_id: str, data: s.AssignmentUpdate, actor: Actor) -> s.AssignmentRead:
    """Change an active assignment's team or visiting interval."""
    row = await _open(assignment_id, actor)
    if data.mechanism is not msgspec.UNSET:
        await Assignment.update({Assignment.visit_interval_days: data.mechanism.visit_interval_days}).where(
            Assignment.id == row.id
        )
    if data.team is not msgspec.UNSET:
        _, team = await _check_people(str(row.leader_id), data.team, row.district)
        await AssignmentMember.delete().where(AssignmentMember.assignment_id == row.id)
        if team:
            await AssignmentMember.insert(
                *(AssignmentMember(id=new_id(), assignment_id=row.id, user_id=u) for u in team)
            )
    return await get(assignment_id=assignment_id, actor=actor)


async def _close(row: OpenAssignment, actor: Actor, reason: str, successor: uuid.UUID | None = None) -> None:
    await Assignment.update(
        {
            Assignment.ended_at: clock.now(),
            Assignment.ended_by: uuid.UUID(actor.id),
            Assignment.end_reason: reason,
            Assignment.handed_over_to: successor,
        }
    ).where(Assignment.id == row.id)


async def end(*, assignment_id: str, data: s.AssignmentEnd, actor: Actor) -> s.AssignmentRead:
    """End an active assignment (the row stays as history)."""
    row = await _open(assignment_id, actor)
    await _close(row, actor, data.reason)
    return await get(assignment_id=assignment_id, actor=actor)


async def handover(*, assignment_id: str, data: s.AssignmentHandover, actor: Actor) -> s.AssignmentRead:
    """End the active assignment and open a new one for another leader; returns the new one."""
    row = await _open(assignment_id, actor)
    if parse_id(data.leader_id) == row.leader_id:
        raise ValidationFailed("Hand over to a different leader.", field="leader_id", code="same_leader")
    if data.team is not msgspec.UNSET:
        team_in = data.team
    else:  # the team carries over; an incoming leader who served on it now leads it
        team_in = [str(u) for u in await _team_of(row.id) if u != parse_id(data.leader_id)]
    leader, team = await _check_people(data.leader_id, team_in, row.district)
    interval = data.mechanism.visit_interval_days if data.mechanism is not msgspec.UNSET else row.visit_interval_days
    # Close first: the partial unique index allows one open row per enterprise.
    await _close(row, actor, data.reason)
    new = await _insert(enterprise_id=row.enterprise_id, leader=leader, team=team, interval=interval, actor=actor)
    await Assignment.update({Assignment.handed_over_to: new}).where(Assignment.id == row.id)
    return await get(assignment_id=str(new), actor=actor)
