"""Role guards, declared on routers and routes; they read the already-authenticated Actor."""

from __future__ import annotations

from typing import Awaitable, Callable

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from backend.platform.actor import Actor, Role
from backend.platform.errors import Forbidden, Unauthorized

Guard = Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]
PUBLIC = {"exclude_from_auth": True}


def requires(*roles: Role) -> Guard:
    """A guard letting through only callers whose role is one of `roles`."""
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        actor = connection.user
        if not isinstance(actor, Actor):
            raise Unauthorized("Authentication required.", code="unauthorized")
        if actor.role not in allowed:
            raise Forbidden("Your role may not do this.", code="forbidden_role")

    # Async so Litestar runs it on the event loop instead of a worker thread.
    guard.__name__ = f"requires_{'_'.join(sorted(allowed))}"
    return guard


def requires_city_wide(*roles: Role) -> Guard:
    """`requires(*roles)`, and the caller carries no district: for city-wide configuration
    (webhook subscriptions, the manual reminder sweep) that a district cannot be scoped to."""
    by_role = requires(*roles)

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        await by_role(connection, handler)
        if connection.user.district is not None:
            raise Forbidden("Only city-wide (unscoped) users may do this.", code="city_wide_only")

    guard.__name__ = f"city_wide_{by_role.__name__}"
    return guard


ALL_ROLES = tuple(Role)
STAFF = (Role.ADMIN, Role.SECRETARY, Role.LEADER, Role.DEPARTMENT)
