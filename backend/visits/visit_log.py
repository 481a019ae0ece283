"""Visits logged from phones: to an assigned enterprise (leader or team) or to a chamber (leaders).

A visit and the issues raised in it are written in one transaction, which the route opens
through `backend.platform.idempotency.run` so that a phone retrying with the same Idempotency-Key gets
the first reply. Who sees a visit: admins and secretaries within their district; leaders and
other staff the visits of enterprises they are assigned to (leader or team) and the visits they
logged or led; an owner the visits to their enterprise; service staff nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import msgspec

from backend.assignments.service import active_assignment, assigned_enterprise_ids
from backend.orgs.tables import Chamber, Enterprise
from backend.platform import clock, money
from backend.platform.actor import Actor, Role, require_in_scope
from backend.platform.dates import midnight
from backend.platform.errors import Forbidden, NotFound, ValidationFailed
from backend.platform.ids import new_id, parse_id
from backend.platform.pagination import Instant, decode_cursor, encode_cursor
from backend.visits import geo, issue_link, photos
from backend.visits import schemas as s
from backend.visits.tables import Visit

# Phones' clocks drift; a visit a few minutes "in the future" is a clock, not a lie.
FUTURE_SKEW = dt.timedelta(minutes=5)
SEES_DISTANCE = (Role.ADMIN, Role.SECRETARY)


async def scope(query: Any, actor: Actor) -> Any:
    """Rows of `query` (over Visit) that `actor` may see."""
    if actor.role in (Role.ADMIN, Role.SECRETARY):
        return query.where(Visit.district == actor.district) if actor.district is not None else query
    if actor.role == Role.ENTREPRENEUR:
        return query.where(Visit.enterprise_id == parse_id(actor.enterprise_id or ""))
    if actor.role in (Role.LEADER, Role.DEPARTMENT):
        me = uuid.UUID(actor.id)
        mine = (Visit.leader_id == me) | (Visit.logged_by == me)
        enterprises = await assigned_enterprise_ids(user_id=actor.id)
        return query.where((mine | Visit.enterprise_id.is_in(enterprises)) if enterprises else mine)
    return query.where(Visit.id.is_null())


def _read(row: dict[str, Any], actor: Actor, *, issues: list[Any], photo_list: list[s.PhotoRead]) -> s.VisitRead:
    audit = actor.role in SEES_DISTANCE
    return s.VisitRead(
        id=str(row["id"]),
        enterprise_id=str(row["enterprise_id"]) if row["enterprise_id"] else None,
        chamber_id=str(row["chamber_id"]) if row["chamber_id"] else None,
        leader_id=str(row["leader_id"]),
        logged_by=str(row["logged_by"]),
        district=row["district"],
        visited_at=row["visited_at"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        summary=row["summary"],
        attendees=json.loads(row["attendees"]),
        financing_coordinated=money.render(row["financing_fen"]),
        hires_helped=row["hires_helped"],
        created_at=row["created_at"],
        distance_m=round(row["distance_m"], 1) if audit and row["distance_m"] is not None else None,
        far_from_enterprise=row["far_from_enterprise"] if audit else None,
        issues=issues,
        photos=photo_list,
    )


async def _reads(rows: list[dict[str, Any]], actor: Actor) -> list[s.VisitRead]:
    ids = [r["id"] for r in rows]
    issues = await issue_link.issues_of(visit_ids=ids, actor=actor)
    pictures = await photos.photos_of(visit_ids=ids)
    return [_read(r, actor, issues=issues.get(str(r["id"]), []), photo_list=pictures.get(r["id"], [])) for r in rows]


async def get(*, visit_id: str, actor: Actor) -> s.VisitRead:
    """One visit the actor may see, with its issues and photos (404 otherwise)."""
    row = await get_row(visit_id=visit_id, actor=actor)
    return (await _reads([row], actor))[0]


async def get_row(*, visit_id: str, actor: Actor) -> dict[str, Any]:
    value = parse_id(visit_id)
    row = value and await (await scope(Visit.select(), actor)).where(Visit.id == value).first()
    if not row:
        raise NotFound("No such visit.", code="visit_not_found")
    return row


async def get_all(
    *,
    actor: Actor,
    enterprise_id: str | None,
    chamber_id: str | None,
    leader_id: str | None,
    start: dt.date | None,
    end: dt.date | None,
    limit: int,
    cursor: str | None,
    far: bool | None = None,
) -> tuple[list[s.VisitRead], str | None]:
    """Visits the actor may see, newest first; `start`/`end` are inclusive Shanghai dates."""
    query = await scope(Visit.select(), actor)
    if far is not None:
        if actor.role not in SEES_DISTANCE:
            raise Forbidden("Only admins and secretaries filter by the distance flag.", code="flag_hidden")
        query = query.where(Visit.far_from_enterprise == far)
    for raw, column in (
        (enterprise_id, Visit.enterprise_id),
        (chamber_id, Visit.chamber_id),
        (leader_id, Visit.leader_id),
    ):
        if raw is not None:
            query = query.where(column == (parse_id(raw) or uuid.UUID(int=0)))
    if start is not None:
        query = query.where(Visit.visited_at >= midnight(start))
    if end is not None:
        query = query.where(Visit.visited_at < midnight(end + dt.timedelta(days=1)))
    if cursor:
        at, last = decode_cursor(cursor, tuple[Instant, uuid.UUID])
        query = query.where((Visit.visited_at < at) | ((Visit.visited_at == at) & (Visit.id < last)))
    rows = await query.order_by(Visit.visited_at, Visit.id, ascending=False).limit(limit + 1)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1]["visited_at"].isoformat(), str(rows[-1]["id"])])
    return await _reads(rows, actor), next_cursor


# -- logging a visit (inside the route's transaction) --------------------------------------------


def _check(data: s.VisitCreate) -> int:
    if (data.enterprise_id is None) == (data.chamber_id is None):
        raise ValidationFailed("Give either enterprise_id or chamber_id.", field="enterprise_id", code="visit_target")
    if data.visited_at.tzinfo is None:
        raise ValidationFailed("visited_at needs a UTC offset.", field="visited_at")
    if data.visited_at > clock.now() + FUTURE_SKEW:
        raise ValidationFailed("A visit cannot be in the future.", field="visited_at", code="visited_in_future")
    if (data.latitude is None) != (data.longitude is None):
        raise ValidationFailed(
            "Give both latitude and longitude, or neither.", field="latitude", code="bad_coordinates"
        )
    return money.parse_fen(data.financing_coordinated, field="financing_coordinated")


class Target(msgspec.Struct, frozen=True):
    """What a visit is to: an enterprise (under its active assignment) or a chamber."""

    leader_id: uuid.UUID  # the responsible leader: the assignment's, or the visiting leader
    district: str
    enterprise_id: uuid.UUID | None = None
    chamber_id: uuid.UUID | None = None
    assignment_id: uuid.UUID | None = None
    latitude: float | None = None  # where the enterprise is, for the distance check
    longitude: float | None = None


async def _enterprise_target(raw: str, actor: Actor) -> Target:
    value = parse_id(raw)
    enterprise = value and await Enterprise.select().where(Enterprise.id == value).first()
    if not enterprise:
        raise ValidationFailed("No such enterprise.", field="enterprise_id", code="unknown_enterprise")
    assignment = await active_assignment(enterprise_id=value)
    me = uuid.UUID(actor.id)
    if assignment is None or not assignment.includes(me):
        raise Forbidden(
            "Only the enterprise's assigned leader or a member of the team logs its visits.", code="not_assigned"
        )
    return Target(
        enterprise_id=value,
        assignment_id=assignment.id,
        leader_id=assignment.leader_id,
        district=enterprise["district"],
        latitude=enterprise["latitude"],
        longitude=enterprise["longitude"],
    )


async def _chamber_target(raw: str, actor: Actor) -> Target:
    if actor.role != Role.LEADER:
        raise Forbidden("Chamber visits are logged by leaders.", code="leaders_only")
    value = parse_id(raw)
    chamber = value and await Chamber.select().where(Chamber.id == value).first()
    if not chamber:
        raise ValidationFailed("No such chamber.", field="chamber_id", code="unknown_chamber")
    require_in_scope(actor, chamber["district"], "That chamber")
    return Target(chamber_id=value, leader_id=uuid.UUID(actor.id), district=chamber["district"])


async def create(*, data: s.VisitCreate, actor: Actor) -> s.VisitRead:
    """Log a visit with the issues raised in it; the caller owns the transaction."""
    fen = _check(data)
    if data.enterprise_id is not None:
        target = await _enterprise_target(data.enterprise_id, actor)
    else:
        target = await _chamber_target(data.chamber_id or "", actor)
    distance = far = None
    lat, lon = target.latitude, target.longitude
    if lat is not None and lon is not None and data.latitude is not None and data.longitude is not None:
        distance = geo.distance_m(lat, lon, data.latitude, data.longitude)
        far = distance > geo.FAR_THRESHOLD_M
    row = Visit(
        id=new_id(),
        logged_by=uuid.UUID(actor.id),
        visited_at=data.visited_at.astimezone(dt.UTC),
        latitude=data.latitude,
        longitude=data.longitude,
        distance_m=distance,
        far_from_enterprise=far,
        summary=data.summary,
        attendees=json.dumps(data.attendees, ensure_ascii=False),
        financing_fen=fen,
        hires_helped=data.hires_helped,
        created_at=clock.now(),
        enterprise_id=target.enterprise_id,
        chamber_id=target.chamber_id,
        assignment_id=target.assignment_id,
        leader_id=target.leader_id,
        district=target.district,
    )
    await Visit.insert(row)
    issues = await issue_link.create_for_visit(
        visit_id=row.id,
        enterprise_id=target.enterprise_id,
        district=target.district,
        items=data.issues,
        actor=actor,
    )
    saved = await Visit.select().where(Visit.id == row.id).first()
    return _read(saved, actor, issues=issues, photo_list=[])


async def may_add_photos(*, visit: dict[str, Any], actor: Actor) -> None:
    """Photos are added by whoever logged or led the visit, or the enterprise's current team."""
    me = uuid.UUID(actor.id)
    if me in (visit["logged_by"], visit["leader_id"]):
        return
    if visit["enterprise_id"] and visit["enterprise_id"] in await assigned_enterprise_ids(user_id=actor.id):
        return
    raise Forbidden("Only the visit's team adds photos to it.", code="not_visit_team")
