"""Who is calling (the Actor), the roles, and the auth request/response shapes."""

from __future__ import annotations

import enum
from typing import Annotated

import msgspec

from backend.schemas import Input


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


class LoginIn(Input):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class RefreshIn(Input):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class TokenPair(msgspec.Struct):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"
