"""Users and the organisation registry: create, read, list (scoped to what the actor may see)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import msgspec
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from backend.orgs import schemas as s
from backend.orgs.tables import Chamber, Department, Enterprise, ServicePoint, User
from backend.platform import clock
from backend.platform.actor import Actor, Role, require_in_scope
from backend.platform.db import is_unique_violation
from backend.platform.errors import Conflict, NotFound, ValidationFailed
from backend.platform.ids import new_id, parse_id
from backend.platform.pagination import page_by_id, to
from backend.platform.passwords import hash_password

# Digits and upper-case letters other than I, O, Z, S, V (GB 32100-2015), half-width only.
_CREDIT_CODE_CHARS = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


def validate_credit_code(code: str) -> str:
    """The code if it is a valid unified social credit code, else ValidationFailed."""
    if len(code) != 18:
        raise ValidationFailed("A unified social credit code has 18 characters.", field="credit_code")
    if not _CREDIT_CODE_CHARS.fullmatch(code):
        raise ValidationFailed(
            "A unified social credit code uses digits and upper-case letters (no I, O, Z, S, V), half-width.",
            field="credit_code",
        )
    try:
        uscc.validate(code)
    except StdnumError:
        raise ValidationFailed("The credit code's check digit does not match.", field="credit_code") from None
    return code


async def _exists(table: Any, raw_id: str | None, field: str) -> uuid.UUID:
    value = parse_id(raw_id) if raw_id else None
    if value is None or not await table.exists().where(table.id == value).run():
        raise ValidationFailed(f"No such {field.removesuffix('_id').replace('_', ' ')}.", field=field)
    return value


# -- users ---------------------------------------------------------------------------------------

_USER_LINK = {
    Role.ENTREPRENEUR: ("enterprise_id", Enterprise),
    Role.SERVICE_STAFF: ("service_point_id", ServicePoint),
    Role.DEPARTMENT: ("department_id", Department),
}
_USER_COLUMNS = (
    User.id,
    User.username,
    User.role,
    User.display_name,
    User.district,
    User.enterprise_id,
    User.service_point_id,
    User.department_id,
    User.phone,
    User.created_at,
)


async def _linked_district(table: Any, row_id: uuid.UUID) -> str | None:
    return (await table.select(table.district).where(table.id == row_id).first())["district"]


async def create_user(*, data: s.UserCreate, actor: Actor) -> s.UserRead:
    """Create an account; entrepreneurs, service staff and department staff are linked to their org.

    A linked account takes its org's district (a city-level department's staff are city-wide), so
    a scoped admin creates only accounts whose org lies in their district (403 `out_of_scope`).
    """
    links: dict[str, uuid.UUID | None] = {"enterprise_id": None, "service_point_id": None, "department_id": None}
    required = _USER_LINK.get(data.role)
    if required:
        field, table = required
        links[field] = await _exists(table, getattr(data, field), field)
    for name, value in links.items():
        if value is None and getattr(data, name) is not None:
            raise ValidationFailed(f"A {data.role.value} user has no {name}.", field=name)
    if required:
        org = field.removesuffix("_id").replace("_", " ")
        district = await _linked_district(table, links[field])
        require_in_scope(actor, district, f"That {org}")
        if data.district is not None and data.district != district:
            raise ValidationFailed(
                f"A {data.role.value} user belongs to the district of their {org}.",
                field="district",
                code="district_mismatch",
            )
    else:
        district = data.district if data.district is not None else actor.district
        require_in_scope(actor, district)
    if await User.exists().where(User.username == data.username).run():
        raise Conflict("That username is taken.", code="username_taken")
    row = User(
        id=new_id(),
        username=data.username,
        password_hash=await hash_password(data.password),
        role=data.role.value,
        display_name=data.display_name,
        district=district,
        phone=data.phone,
        active=True,
        created_at=clock.now(),
        **links,
    )
    try:
        await row.save()
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict("That username is taken.", code="username_taken") from None
        raise
    return await get_user(user_id=str(row.id), actor=actor)


async def get_user(*, user_id: str, actor: Actor) -> s.UserRead:
    value = parse_id(user_id)
    row = value and await User.select(*_USER_COLUMNS).where(User.id == value).first()
    if not row or not actor.sees_district(row["district"]):
        raise NotFound("No such user.", code="user_not_found")
    return to(s.UserRead, row)


async def list_users(
    *, actor: Actor, role: Role | None, limit: int, cursor: str | None
) -> tuple[list[s.UserRead], str | None]:
    query = User.select(*_USER_COLUMNS).where(User.active == True)  # noqa: E712
    if actor.district is not None:
        query = query.where(User.district == actor.district)
    if role is not None:
        query = query.where(User.role == role.value)
    rows, next_cursor = await page_by_id(query, User.id, limit=limit, cursor=cursor)
    return [to(s.UserRead, r) for r in rows], next_cursor


async def get_me(*, actor: Actor) -> s.MeRead:
    row = await User.select(*_USER_COLUMNS).where(User.id == uuid.UUID(actor.id)).first()
    if not row:
        raise NotFound("Your account no longer exists.", code="user_not_found")
    return to(s.MeRead, {k: v for k, v in row.items() if k in s.MeRead.__struct_fields__})


def actor_of(user: dict) -> Actor:
    """The Actor a user row acts as (what the access token carries)."""

    def opt(value: object) -> str | None:
        return str(value) if value is not None else None

    return Actor(
        id=str(user["id"]),
        username=user["username"],
        role=Role(user["role"]),
        district=user["district"],
        enterprise_id=opt(user["enterprise_id"]),
        service_point_id=opt(user["service_point_id"]),
        department_id=opt(user["department_id"]),
    )


# -- enterprises ---------------------------------------------------------------------------------


def _enterprise_scope(query: Any, actor: Actor) -> Any:
    """Rows of `query` (over Enterprise) that `actor` may see."""
    if actor.role == Role.ENTREPRENEUR:
        return query.where(Enterprise.id == parse_id(actor.enterprise_id or ""))
    if actor.role == Role.SERVICE_STAFF:
        return query.where(Enterprise.id.is_null())
    if actor.district is not None:
        return query.where(Enterprise.district == actor.district)
    return query


async def create_enterprise(*, data: s.EnterpriseCreate, actor: Actor) -> s.EnterpriseRead:
    require_in_scope(actor, data.district)
    code = validate_credit_code(data.credit_code)
    _check_coordinates(data.latitude, data.longitude)
    if await Enterprise.exists().where(Enterprise.credit_code == code).run():
        raise Conflict("An enterprise with that credit code exists.", code="duplicate_credit_code")
    now = clock.now()
    row = Enterprise(
        id=new_id(), created_at=now, updated_at=now, **msgspec.structs.asdict(data) | {"credit_code": code}
    )
    try:
        await row.save()
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict("An enterprise with that credit code exists.", code="duplicate_credit_code") from None
        raise
    return to(s.EnterpriseRead, row.to_dict())


def _check_coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise ValidationFailed("Give both latitude and longitude, or neither.", field="latitude")


async def get_enterprise(*, enterprise_id: str, actor: Actor) -> s.EnterpriseRead:
    value = parse_id(enterprise_id)
    row = value and await _enterprise_scope(Enterprise.select(), actor).where(Enterprise.id == value).first()
    if not row:
        raise NotFound("No such enterprise.", code="enterprise_not_found")
    return to(s.EnterpriseRead, row)


async def list_enterprises(
    *, actor: Actor, district: str | None, industry: str | None, q: str | None, limit: int, cursor: str | None
) -> tuple[list[s.EnterpriseRead], str | None]:
    query = _enterprise_scope(Enterprise.select(), actor)
    if district:
        query = query.where(Enterprise.district == district)
    if industry:
        query = query.where(Enterprise.industry == industry)
    if q:
        query = query.where(Enterprise.name.like(f"%{q}%"))
    rows, next_cursor = await page_by_id(query, Enterprise.id, limit=limit, cursor=cursor)
    return [to(s.EnterpriseRead, r) for r in rows], next_cursor


async def update_enterprise(*, enterprise_id: str, data: s.EnterpriseUpdate, actor: Actor) -> s.EnterpriseRead:
    current = await get_enterprise(enterprise_id=enterprise_id, actor=actor)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if "district" in changes:
        require_in_scope(actor, changes["district"])
    if "credit_code" in changes:
        changes["credit_code"] = validate_credit_code(changes["credit_code"])
        taken = await Enterprise.exists().where(
            (Enterprise.credit_code == changes["credit_code"]) & (Enterprise.id != uuid.UUID(current.id))
        )
        if taken:
            raise Conflict("An enterprise with that credit code exists.", code="duplicate_credit_code")
    _check_coordinates(changes.get("latitude", current.latitude), changes.get("longitude", current.longitude))
    if changes:
        changes["updated_at"] = clock.now()
        await Enterprise.update(changes).where(Enterprise.id == uuid.UUID(current.id))
    return await get_enterprise(enterprise_id=enterprise_id, actor=actor)


# -- departments, service points, chambers -------------------------------------------------------


def _department_scope(query: Any, actor: Actor) -> Any:
    """City-level departments and, for a scoped caller, their own district's (others see all)."""
    if actor.district is None:
        return query
    return query.where(Department.district.is_null() | (Department.district == actor.district))


async def create_department(*, data: s.DepartmentCreate, actor: Actor) -> s.DepartmentRead:
    """A department of a district, or (district null) a city-level one, which only unscoped admins create."""
    district = actor.district if data.district is msgspec.UNSET else data.district
    require_in_scope(actor, district, "A city-level department" if district is None else "That district")
    if await Department.exists().where(Department.name == data.name).run():
        raise Conflict("A department with that name exists.", code="duplicate_department")
    row = Department(id=new_id(), name=data.name, district=district, created_at=clock.now())
    try:
        await row.save()
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict("A department with that name exists.", code="duplicate_department") from None
        raise
    return to(s.DepartmentRead, row.to_dict())


async def list_departments(
    *, actor: Actor, district: str | None = None, limit: int, cursor: str | None
) -> tuple[list[s.DepartmentRead], str | None]:
    query = _department_scope(Department.select(), actor)
    if district:
        query = query.where(Department.district == district)
    rows, next_cursor = await page_by_id(query, Department.id, limit=limit, cursor=cursor)
    return [to(s.DepartmentRead, r) for r in rows], next_cursor


async def get_department(*, department_id: str, actor: Actor) -> s.DepartmentRead:
    value = parse_id(department_id)
    row = value and await _department_scope(Department.select(), actor).where(Department.id == value).first()
    if not row:
        raise NotFound("No such department.", code="department_not_found")
    return to(s.DepartmentRead, row)


async def department_row(*, department_id: uuid.UUID) -> dict[str, Any] | None:
    """{id, name, district} of a department (district None: city-level), unscoped, for other domains' checks."""
    return (
        await Department.select(Department.id, Department.name, Department.district)
        .where(Department.id == department_id)
        .first()
    )


def _service_point_scope(query: Any, actor: Actor) -> Any:
    if actor.role == Role.SERVICE_STAFF:
        return query.where(ServicePoint.id == parse_id(actor.service_point_id or ""))
    if actor.district is not None and actor.role != Role.ENTREPRENEUR:
        return query.where(ServicePoint.district == actor.district)
    return query


async def create_service_point(*, data: s.ServicePointCreate, actor: Actor) -> s.ServicePointRead:
    require_in_scope(actor, data.district)
    row = ServicePoint(id=new_id(), created_at=clock.now(), **msgspec.structs.asdict(data))
    await row.save()
    return await get_service_point(service_point_id=str(row.id), actor=actor)


async def get_service_point(*, service_point_id: str, actor: Actor) -> s.ServicePointRead:
    value = parse_id(service_point_id)
    row = value and await _service_point_scope(ServicePoint.select(), actor).where(ServicePoint.id == value).first()
    if not row:
        raise NotFound("No such service point.", code="service_point_not_found")
    return to(s.ServicePointRead, row)


async def list_service_points(
    *, actor: Actor, service: s.Service | None, district: str | None, limit: int, cursor: str | None
) -> tuple[list[s.ServicePointRead], str | None]:
    query = _service_point_scope(ServicePoint.select(), actor)
    if service is not None:
        query = query.where(ServicePoint.service == service.value)
    if district:
        query = query.where(ServicePoint.district == district)
    rows, next_cursor = await page_by_id(query, ServicePoint.id, limit=limit, cursor=cursor)
    return [to(s.ServicePointRead, r) for r in rows], next_cursor


def _chamber_scope(query: Any, actor: Actor) -> Any:
    return query.where(Chamber.district == actor.district) if actor.district is not None else query


async def create_chamber(*, data: s.ChamberCreate, actor: Actor) -> s.ChamberRead:
    require_in_scope(actor, data.district)
    row = Chamber(id=new_id(), created_at=clock.now(), **msgspec.structs.asdict(data))
    await row.save()
    return to(s.ChamberRead, row.to_dict())


async def get_chamber(*, chamber_id: str, actor: Actor) -> s.ChamberRead:
    value = parse_id(chamber_id)
    row = value and await _chamber_scope(Chamber.select(), actor).where(Chamber.id == value).first()
    if not row:
        raise NotFound("No such chamber.", code="chamber_not_found")
    return to(s.ChamberRead, row)


async def list_chambers(
    *, actor: Actor, district: str | None, limit: int, cursor: str | None
) -> tuple[list[s.ChamberRead], str | None]:
    query = _chamber_scope(Chamber.select(), actor)
    if district:
        query = query.where(Chamber.district == district)
    rows, next_cursor = await page_by_id(query, Chamber.id, limit=limit, cursor=cursor)
    return [to(s.ChamberRead, r) for r in rows], next_cursor
