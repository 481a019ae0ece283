"""Who is calling: the six roles, the authenticated Actor (read from the token, no database call),
and district scoping of writes: every reference a scoped caller sets must lie in their district.

A reference (an enterprise, department, service point, chamber or a district named in the body)
to an existing row outside the caller's district answers 403 `out_of_scope` and nothing is
written; a reference to a row that does not exist stays a 422 of the domain that looks it up.
A row named in the *path* that the caller may not see answers 404, as every read does.
"""

from __future__ import annotations

import enum

import msgspec

from backend.platform.errors import Forbidden


class Role(enum.StrEnum):
    ADMIN = "admin"
    SECRETARY = "secretary"
    LEADER = "leader"
    DEPARTMENT = "department"
    ENTREPRENEUR = "entrepreneur"
    SERVICE_STAFF = "service_staff"


class Actor(msgspec.Struct, frozen=True):
    """The authenticated caller, read from the access token without a database call."""

    id: str
    username: str
    role: Role
    district: str | None = None
    enterprise_id: str | None = None
    service_point_id: str | None = None
    department_id: str | None = None

    def has(self, *roles: Role) -> bool:
        return self.role in roles

    def sees_district(self, district: str | None) -> bool:
        """District scoping: a scoped user sees only rows of their own district."""
        return self.district is None or self.district == district


# The actor of work no person started (the CLI, the demo loader, tests' fixtures).
SYSTEM = Actor(id="00000000-0000-0000-0000-000000000000", username="system", role=Role.ADMIN)


def require_in_scope(actor: Actor, district: str | None, what: str = "That district") -> None:
    """Forbidden unless `actor` covers `district` (None is city-level: only unscoped callers cover it)."""
    if not actor.sees_district(district):
        raise Forbidden(f"{what} is outside your district.", code="out_of_scope")
