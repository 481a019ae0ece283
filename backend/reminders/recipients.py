"""Who receives a reminder: active users by role, department and district scope."""

from __future__ import annotations

import uuid

from backend.orgs.tables import User
from backend.platform.actor import Role


def _active(role: Role):
    return (User.role == role.value) & (User.active == True)  # noqa: E712


async def department_staff(department_id: str | None) -> list[str]:
    if not department_id:
        return []
    rows = await User.select(User.id).where(_active(Role.DEPARTMENT) & (User.department_id == uuid.UUID(department_id)))
    return [str(r["id"]) for r in rows]


async def covering(role: Role, district: str | None) -> list[str]:
    """Users of `role` whose scope covers `district`: scoped to it, or unscoped (city-wide)."""
    query = User.select(User.id).where(_active(role))
    scope = User.district.is_null()
    if district is not None:
        scope = scope | (User.district == district)
    rows = await query.where(scope).order_by(User.id)
    return [str(r["id"]) for r in rows]


async def users_of(role: Role) -> list[dict]:
    return await User.select(User.id, User.district).where(_active(role)).order_by(User.id)


async def active_ids(*user_ids: str) -> list[str]:
    """The given users that still exist and are active (a reminder never goes to a closed account)."""
    ids = [uuid.UUID(u) for u in user_ids if u]
    if not ids:
        return []
    rows = await User.select(User.id).where(User.id.is_in(ids) & (User.active == True))  # noqa: E712
    found = {str(r["id"]) for r in rows}
    return [u for u in user_ids if u in found]
