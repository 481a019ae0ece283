"""Who sees which issues, as a filter on every issue query (a hidden issue answers 404).

Admins and secretaries: every issue, or their district's when scoped. Leaders: the enterprises
assigned to them (as leader or team member) and the issues they raised. Department staff: their
department's issues, plus their assigned enterprises' when they serve on a team. Owners: their own
enterprise's. Service staff: nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from backend.assignments.service import assigned_enterprise_ids
from backend.issues.tables import Issue
from backend.platform.actor import Actor, Role
from backend.platform.errors import Forbidden
from backend.platform.ids import parse_id

NOTHING = Issue.id.is_null()  # matches no row: ids are never null


def _in(column: Any, values: list[uuid.UUID]) -> Any:
    return column.is_in(values) if values else NOTHING


async def visible(actor: Actor) -> Any:
    """A where-clause on Issue matching exactly the issues `actor` may see."""
    role = actor.role
    if role == Role.SERVICE_STAFF:
        raise Forbidden("Service staff have no access to issues.", code="forbidden_role")
    if role == Role.ENTREPRENEUR:
        own = parse_id(actor.enterprise_id or "")
        return Issue.enterprise_id == own if own else NOTHING
    if role in (Role.ADMIN, Role.SECRETARY):
        if actor.district is None:
            return Issue.id.is_not_null()
        base = Issue.district == actor.district
    elif role == Role.DEPARTMENT:
        department = parse_id(actor.department_id or "")
        base = Issue.department_id == department if department else NOTHING
    else:  # leader
        base = Issue.created_by == uuid.UUID(actor.id)
        if actor.district is not None:
            base = base & (Issue.district == actor.district)
    assigned = await assigned_enterprise_ids(user_id=actor.id)
    return base | _in(Issue.enterprise_id, assigned) if assigned else base
