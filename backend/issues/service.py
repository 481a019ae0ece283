"""Issues: create (also from inside a visit's transaction), read, list, and plain summaries for
reminders. The workflow (transitions, feedback) is in `workflow.py`; the review queue in
`queue.py`. Services never open or commit a transaction: the route (or the visit) owns it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from piccolo.columns.combination import WhereRaw

from backend.assignments.service import assigned_enterprise_ids
from backend.issues import machine, report, rules
from backend.issues import schemas as s
from backend.issues.scope import visible
from backend.issues.tables import Issue, IssueEvent
from backend.orgs import service as orgs
from backend.orgs.tables import Enterprise
from backend.platform import clock
from backend.platform.actor import Actor, Role, require_in_scope
from backend.platform.errors import Forbidden, NotFound, ValidationFailed
from backend.platform.ids import new_id, parse_id
from backend.platform.pagination import page_by_id, plain
from backend.platform.workdays import deadline_after

# Roles that may raise an issue (owners only for their own enterprise).
FILERS = (Role.ADMIN, Role.SECRETARY, Role.LEADER, Role.ENTREPRENEUR)


def etag(issue_id: Any, version: int) -> str:
    return f'"{issue_id}:{version}"'


def is_overdue(status: str, due_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Unresolved with a deadline before `now`: the rule `report.overdue_sql` writes in SQL."""
    return due_at is not None and s.Status(status) in machine.UNRESOLVED and due_at < now


def overdue_where(now: dt.datetime, *, overdue: bool = True) -> WhereRaw:
    """`is_overdue` (or its negation) as a where-clause on Issue."""
    sql = report.overdue_sql(Issue._meta.tablename)
    return WhereRaw(sql if overdue else f"NOT {sql}", now)


def to_read(row: dict[str, Any], now: dt.datetime | None = None) -> s.IssueRead:
    """An Issue row as the API reads it."""
    values = plain(row)
    values["overdue"] = is_overdue(row["status"], row["due_at"], now or clock.now())
    values["etag"] = etag(row["id"], row["version"])
    return msgspec.convert(values, s.IssueRead)


def default_deadline(at: dt.datetime) -> dt.datetime:
    """The deadline a department gets when none is given."""
    return deadline_after(at, rules.DEFAULT_DEADLINE_WORKING_DAYS)


async def department_for(raw_id: str, *, district: str, actor: Actor, field: str = "department_id") -> uuid.UUID:
    """The department an issue of `district` is handed to: a city-level one, or that district's.

    A district department outside the caller's scope is 403 `out_of_scope`; one of another
    district than the issue's is 422 `department_out_of_district` (it would see the issue).
    """
    value = parse_id(raw_id)
    row = value and await orgs.department_row(department_id=value)
    if not row:
        raise ValidationFailed("No such department.", field=field, code="department_not_found")
    if row["district"] is not None:
        require_in_scope(actor, row["district"], "That department")
        if row["district"] != district:
            raise ValidationFailed(
                "That department serves another district than the issue's.",
                field=field,
                code="department_out_of_district",
            )
    return value


async def record(
    *,
    issue_id: uuid.UUID,
    version: int,
    action: str,
    from_status: s.Status | None,
    to_status: s.Status,
    actor: Actor,
    at: dt.datetime,
    note: str | None = None,
    department_id: uuid.UUID | None = None,
    due_at: dt.datetime | None = None,
) -> None:
    """Append one entry to the issue's history."""
    await IssueEvent.insert(
        IssueEvent(
            id=new_id(),
            issue_id=issue_id,
            version=version,
            action=action,
            from_status=from_status.value if from_status else None,
            to_status=to_status.value,
            actor_id=uuid.UUID(actor.id),
            actor_role=actor.role.value,
            at=at,
            note=note,
            department_id=department_id,
            due_at=due_at,
        )
    )


# -- create --------------------------------------------------------------------------------------


async def _enterprise_for_filing(data: s.IssueCreate, actor: Actor, visit: s.VisitContext | None) -> dict[str, Any]:
    """The enterprise row, once `actor` may file an issue for it.

    Directly: a leader only for an enterprise assigned to them, an owner only for their own, staff
    within their district. In a visit (which checked the visitor's assignment or the chamber's
    district): the visited enterprise, or for a chamber visit an enterprise of the chamber's
    district that the visitor's own district covers; the visit's transaction fails otherwise.
    """
    if actor.role not in FILERS:
        raise Forbidden("Your role may not raise issues.", code="forbidden_role")
    enterprise_id = parse_id(data.enterprise_id)
    if actor.role == Role.ENTREPRENEUR and (enterprise_id is None or str(enterprise_id) != actor.enterprise_id):
        raise Forbidden("Owners may file issues for their own enterprise only.", code="not_your_enterprise")
    row = (
        enterprise_id
        and await Enterprise.select(Enterprise.id, Enterprise.district).where(Enterprise.id == enterprise_id).first()
    )
    if not row:
        raise ValidationFailed("No such enterprise.", field="enterprise_id", code="enterprise_not_found")
    if visit is None and actor.role == Role.LEADER and row["id"] not in await assigned_enterprise_ids(user_id=actor.id):
        raise Forbidden("That enterprise is not assigned to you.", code="enterprise_not_assigned")
    require_in_scope(actor, row["district"], "That enterprise")
    if visit is not None and visit.enterprise_id is not None and row["id"] != visit.enterprise_id:
        raise ValidationFailed(
            "An issue raised in a visit belongs to the visited enterprise.",
            field="enterprise_id",
            code="issue_enterprise_mismatch",
        )
    if visit is not None and row["district"] != visit.district:
        raise ValidationFailed(
            "A chamber visit raises issues of enterprises in the chamber's district.",
            field="enterprise_id",
            code="enterprise_outside_chamber_district",
        )
    return row


def _reported_at(value: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if value is None:
        return now
    if value > now + rules.CLOCK_SKEW:
        raise ValidationFailed("reported_at cannot be in the future.", field="reported_at", code="reported_in_future")
    return min(value, now)


async def create_issue(*, data: s.IssueCreate, actor: Actor, visit: s.VisitContext | None = None) -> s.IssueRead:
    """Raise an issue and record its creation in its history; runs inside the caller's transaction.

    The disposition decides the first status (see `machine.INITIAL`): `assigned` needs a
    department and gets `due_at` or the default working-day deadline counted from `reported_at`;
    `on_spot` starts resolved with its resolution. An owner's issue (no disposition) starts open.
    """
    now = clock.now()
    enterprise = await _enterprise_for_filing(data, actor, visit)
    reported_at = _reported_at(data.reported_at, now)
    disposition = data.disposition
    if actor.role == Role.ENTREPRENEUR and disposition is not None:
        raise ValidationFailed(
            "Owners file issues for the office to dispatch; leave out disposition.",
            field="disposition",
            code="disposition_not_allowed",
        )
    assigned = disposition == s.Disposition.ASSIGNED
    if not assigned and data.department_id is not None:
        raise ValidationFailed("Only an assigned issue has a department.", field="department_id")
    if not assigned and data.due_at is not None:
        raise ValidationFailed("Only an assigned issue has a deadline.", field="due_at")
    if disposition != s.Disposition.ON_SPOT and data.resolution is not None:
        raise ValidationFailed("Only an issue solved on the spot has a resolution.", field="resolution")
    department_id = due_at = None
    if assigned:
        if data.department_id is None:
            raise ValidationFailed(
                "An assigned issue needs a department_id.", field="department_id", code="department_required"
            )
        department_id = await department_for(data.department_id, district=enterprise["district"], actor=actor)
        due_at = data.due_at or default_deadline(reported_at)
        if due_at <= reported_at:
            raise ValidationFailed("The deadline must come after the issue was reported.", field="due_at")
    status = machine.INITIAL[disposition]
    on_spot = disposition == s.Disposition.ON_SPOT
    resolution = (data.resolution or rules.ON_SPOT_RESOLUTION) if on_spot else None
    row = Issue(
        id=new_id(),
        enterprise_id=enterprise["id"],
        district=enterprise["district"],
        visit_id=visit.id if visit else None,
        title=data.title,
        description=data.description,
        category=data.category,
        disposition=disposition.value if disposition else None,
        status=status.value,
        department_id=department_id,
        due_at=due_at,
        reported_at=reported_at,
        created_by=uuid.UUID(actor.id),
        created_at=now,
        updated_at=now,
        assigned_at=reported_at if assigned else None,
        resolved_at=reported_at if on_spot else None,
        resolution=resolution,
        version=1,
    )
    await Issue.insert(row)
    await record(
        issue_id=row.id,
        version=1,
        action="create",
        from_status=None,
        to_status=status,
        actor=actor,
        at=now,
        note=resolution,
        department_id=department_id,
        due_at=due_at,
    )
    return to_read(row.to_dict(), now)


# -- read ----------------------------------------------------------------------------------------


async def visible_row(*, issue_id: str, actor: Actor) -> dict[str, Any]:
    """The issue row if `actor` may see it, else NotFound."""
    value = parse_id(issue_id)
    row = value and await Issue.select().where((Issue.id == value) & await visible(actor)).first()
    if not row:
        raise NotFound("No such issue.", code="issue_not_found")
    return row


async def history(issue_id: uuid.UUID) -> list[s.HistoryEntry]:
    rows = (
        await IssueEvent.select(
            IssueEvent.action,
            IssueEvent.from_status,
            IssueEvent.to_status,
            IssueEvent.actor_id,
            IssueEvent.actor_role,
            IssueEvent.at,
            IssueEvent.note,
            IssueEvent.department_id,
            IssueEvent.due_at,
        )
        .where(IssueEvent.issue_id == issue_id)
        .order_by(IssueEvent.version)
    )
    return [msgspec.convert(plain(r), s.HistoryEntry) for r in rows]


async def detail(row: dict[str, Any]) -> s.IssueDetail:
    read = to_read(row)
    return s.IssueDetail(**msgspec.structs.asdict(read), history=await history(row["id"]))


async def get_issue(*, issue_id: str, actor: Actor) -> s.IssueDetail:
    """One issue with its history."""
    return await detail(await visible_row(issue_id=issue_id, actor=actor))


def filtered(query: Any, filters: s.IssueFilter, *, now: dt.datetime | None = None) -> Any:
    """`query` narrowed by the list filters every issue list shares."""
    status, overdue, district = filters.status, filters.overdue, filters.district
    enterprise_id, department_id = filters.enterprise_id, filters.department_id
    if status is not None:
        query = query.where(Issue.status == status.value)
    if overdue is not None:
        query = query.where(overdue_where(now or clock.now(), overdue=overdue))
    by_id = (
        (enterprise_id, Issue.enterprise_id, "enterprise_id"),
        (department_id, Issue.department_id, "department_id"),
    )
    for raw, column, field in by_id:
        if raw is not None:
            value = parse_id(raw)
            if value is None:
                raise ValidationFailed(f"{field} is not a valid id.", field=field)
            query = query.where(column == value)
    if district:
        query = query.where(Issue.district == district)
    return query


async def list_issues(
    *, actor: Actor, filters: s.IssueFilter = s.IssueFilter(), limit: int, cursor: str | None
) -> tuple[list[s.IssueRead], str | None]:
    """The issues `actor` may see, filtered, oldest first."""
    now = clock.now()
    query = Issue.select().where(await visible(actor))
    query = filtered(query, filters, now=now)
    rows, next_cursor = await page_by_id(query, Issue.id, limit=limit, cursor=cursor)
    return [to_read(r, now) for r in rows], next_cursor


async def list_for_visits(*, visit_ids: list[uuid.UUID], actor: Actor) -> dict[str, list[s.IssueRead]]:
    """Visit id (as text) -> the issues raised in that visit which `actor` may see, oldest first.

    One query for all the visits of a page.
    """
    if not visit_ids:
        return {}
    now = clock.now()
    rows = await Issue.select().where(Issue.visit_id.is_in(visit_ids) & await visible(actor)).order_by(Issue.id)
    found: dict[str, list[s.IssueRead]] = {}
    for row in rows:
        found.setdefault(str(row["visit_id"]), []).append(to_read(row, now))
    return found


# -- for reminders -------------------------------------------------------------------------------


def _due(row: dict[str, Any]) -> s.DueIssue:
    return msgspec.convert(plain(row), s.DueIssue)


_DUE_COLUMNS = (
    Issue.id,
    Issue.title,
    Issue.enterprise_id,
    Issue.district,
    Issue.department_id,
    Issue.status,
    Issue.due_at,
    Issue.created_by,
    Issue.reported_at,
    Issue.enterprise_id.name.as_alias("enterprise_name"),
)


def _unresolved() -> Any:
    return Issue.status.is_in([x.value for x in machine.UNRESOLVED]) & Issue.due_at.is_not_null()


async def due_soon(*, before: dt.datetime, now: dt.datetime | None = None) -> list[s.DueIssue]:
    """Unresolved issues whose deadline falls in [now, before), nearest first."""
    now = now or clock.now()
    rows = (
        await Issue.select(*_DUE_COLUMNS)
        .where(_unresolved() & (Issue.due_at >= now) & (Issue.due_at < before))
        .order_by(Issue.due_at)
        .order_by(Issue.id)
    )
    return [_due(r) for r in rows]


async def overdue(*, now: dt.datetime) -> list[s.DueIssue]:
    """Unresolved issues past their deadline at `now`, most overdue first."""
    rows = await Issue.select(*_DUE_COLUMNS).where(overdue_where(now)).order_by(Issue.due_at).order_by(Issue.id)
    return [_due(r) for r in rows]


async def unresolved_digest(*, district: str | None, now: dt.datetime, limit: int) -> s.UnresolvedDigest:
    """Counts of unresolved issues (all, and overdue) in a district or city-wide, and the first `limit`."""
    scope = Issue.status.is_in([x.value for x in machine.UNRESOLVED])
    if district is not None:
        scope &= Issue.district == district
    total = await Issue.count().where(scope)
    overdue_count = await Issue.count().where(scope & overdue_where(now))
    columns = (Issue.id, Issue.title, Issue.due_at, Issue.reported_at, Issue.enterprise_id.name.as_alias("enterprise"))
    rows = await Issue.select(*columns).where(scope & overdue_where(now)).order_by(Issue.due_at).limit(limit)
    if len(rows) < limit:
        rows += (
            await Issue.select(*columns)
            .where(scope & overdue_where(now, overdue=False))
            .order_by(Issue.due_at)
            .limit(limit - len(rows))
        )
    first = [
        s.DigestItem(
            id=str(r["id"]),
            title=r["title"],
            enterprise_name=r["enterprise"] or "",
            reported_at=r["reported_at"],
            overdue=is_overdue(s.Status.OPEN, r["due_at"], now),  # every row here is unresolved
        )
        for r in rows
    ]
    return s.UnresolvedDigest(unresolved=total, overdue=overdue_count, first=first)
