"""District scoping of writes: every reference a scoped caller sets must lie in their district.

A reference (an enterprise, department, service point, chamber or a district named in the body)
to an existing row outside the caller's district answers 403 `out_of_scope` and nothing is
written; a reference to a row that does not exist stays a 422 of the domain that looks it up.
A row named in the *path* that the caller may not see answers 404, as every read does.
"""

from __future__ import annotations

from backend.errors import Forbidden
from backend.security.schemas import Actor


def require_in_scope(actor: Actor, district: str | None, what: str = "That district") -> None:
    """Forbidden unless `actor` covers `district` (None is city-level: only unscoped callers cover it)."""
    if not actor.sees_district(district):
        raise Forbidden(f"{what} is outside your district.", code="out_of_scope")
