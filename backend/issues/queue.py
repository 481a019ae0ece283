"""The secretaries' review queue: what is unresolved, overdue first, then nearest deadline.

Order: issues with a deadline by `due_at` ascending (so the most overdue lead, then the nearest
deadlines), then issues without one (owners' issues awaiting dispatch, oldest first). Each row
carries what a secretary acts on: the enterprise, its leader, the department, days overdue.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from backend.assignments import service as assignments
from backend.issues import machine
from backend.issues import schemas as s
from backend.issues.scope import visible
from backend.issues.service import filtered, to_read
from backend.issues.tables import Issue
from backend.orgs.tables import Department, Enterprise
from backend.platform import clock
from backend.platform.actor import Actor, Role
from backend.platform.dates import business_date
from backend.platform.errors import Forbidden
from backend.platform.pagination import Instant, decode_cursor, encode_cursor
from backend.platform.workdays import working_days_between

REVIEWERS = (Role.SECRETARY, Role.ADMIN)


def _after(cursor: str | None) -> tuple[dt.datetime | None, uuid.UUID | None, bool]:
    """(due_at, id, in_undated_part) of the last row the previous page ended on."""
    if not cursor:
        return None, None, False
    due, last = decode_cursor(cursor, tuple[Instant | None, uuid.UUID])
    return due, last, due is None


async def _page(query_of: Any, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    due, last_id, undated = _after(cursor)
    rows: list[dict[str, Any]] = []
    if not undated:
        dated = query_of().where(Issue.due_at.is_not_null())
        if due is not None:
            dated = dated.where((Issue.due_at > due) | ((Issue.due_at == due) & (Issue.id > last_id)))
        rows = await dated.order_by(Issue.due_at).order_by(Issue.id).limit(limit + 1)
    if len(rows) <= limit:
        rest = query_of().where(Issue.due_at.is_null())
        if undated:
            rest = rest.where(Issue.id > last_id)
        rows += await rest.order_by(Issue.id).limit(limit + 1 - len(rows))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor([last["due_at"].isoformat() if last["due_at"] else None, str(last["id"])])


async def _names(table: Any, column: Any, ids: set[Any]) -> dict[Any, str]:
    ids.discard(None)
    if not ids:
        return {}
    return {
        r["id"]: r["name"]
        for r in await table.select(table.id, column.as_alias("name")).where(table.id.is_in(list(ids)))
    }


async def _leaders(enterprise_ids: set[uuid.UUID]) -> dict[uuid.UUID, s.LeaderRef]:
    """Each enterprise's leader under its active assignment (one query for the page)."""
    leaders = await assignments.active_leaders(enterprise_ids=enterprise_ids)
    return {e: s.LeaderRef(id=str(x.leader_id), display_name=x.leader_name) for e, x in leaders.items()}


def _days_overdue(due_at: dt.datetime | None, now: dt.datetime) -> tuple[int, int]:
    if due_at is None or due_at >= now:
        return 0, 0
    due_day, today = business_date(due_at), business_date(now)
    return max((today - due_day).days, 0), working_days_between(due_day, today)


async def review_queue(
    *, actor: Actor, filters: s.IssueFilter = s.IssueFilter(), limit: int, cursor: str | None
) -> tuple[list[s.QueueItem], str | None]:
    """Unresolved issues the reviewer may see, overdue first, then nearest deadline."""
    if actor.role not in REVIEWERS:
        raise Forbidden("The review queue is for secretaries.", code="forbidden_role")
    now = clock.now()
    scope = await visible(actor)
    unresolved = [x.value for x in machine.UNRESOLVED]

    def query_of() -> Any:
        query = Issue.select().where(scope & Issue.status.is_in(unresolved))
        return filtered(query, filters, now=now)

    rows, next_cursor = await _page(query_of, limit, cursor)
    enterprises = await _names(Enterprise, Enterprise.name, {r["enterprise_id"] for r in rows})
    departments = await _names(Department, Department.name, {r["department_id"] for r in rows})
    leaders = await _leaders({r["enterprise_id"] for r in rows})
    items = []
    for row in rows:
        days, working_days = _days_overdue(row["due_at"], now)
        items.append(
            s.QueueItem(
                issue=to_read(row, now),
                enterprise_name=enterprises.get(row["enterprise_id"], ""),
                leader=leaders.get(row["enterprise_id"]),
                department_name=departments.get(row["department_id"]),
                days_overdue=days,
                working_days_overdue=working_days,
            )
        )
    return items, next_cursor
