"""Users, enterprises, departments, service points and chambers."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from backend.orgs import schemas as s
from backend.orgs import service
from backend.platform.actor import Actor, Role
from backend.platform.db import transaction
from backend.platform.guards import ALL_ROLES, STAFF, requires
from backend.platform.routing import DEFAULT_PAGE, Cursor, Limit, page
from backend.platform.schemas import Page

ADMIN = requires(Role.ADMIN)


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    guards = [ADMIN]

    @post("/", summary="Create a user (admin)")
    async def create(self, data: JSONBody[s.UserCreate], actor: NamedDependency[Actor]) -> s.UserRead:
        return await service.create_user(data=data, actor=actor)

    @get("/", summary="List users (admin)")
    async def list(
        self,
        actor: NamedDependency[Actor],
        role: FromQuery[Role | None] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.UserRead]:
        return page(await service.list_users(actor=actor, role=role, limit=limit, cursor=cursor))

    @get("/{user_id:str}", summary="Read a user (admin)")
    async def get(self, user_id: FromPath[str], actor: NamedDependency[Actor]) -> s.UserRead:
        return await service.get_user(user_id=user_id, actor=actor)


class EnterpriseController(Controller):
    path = "/api/v1/enterprises"
    tags = ["organisations"]
    guards = [requires(*STAFF, Role.ENTREPRENEUR)]

    @post("/", guards=[ADMIN], summary="Register an enterprise (admin)")
    async def create(self, data: JSONBody[s.EnterpriseCreate], actor: NamedDependency[Actor]) -> s.EnterpriseRead:
        async with transaction():
            return await service.create_enterprise(data=data, actor=actor)

    @get("/", summary="List enterprises the caller may see")
    async def list(
        self,
        actor: NamedDependency[Actor],
        district: FromQuery[str | None] = None,
        industry: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.EnterpriseRead]:
        return page(
            await service.list_enterprises(
                actor=actor, district=district, industry=industry, q=q, limit=limit, cursor=cursor
            )
        )

    @get("/{enterprise_id:str}", summary="Read an enterprise")
    async def get(self, enterprise_id: FromPath[str], actor: NamedDependency[Actor]) -> s.EnterpriseRead:
        return await service.get_enterprise(enterprise_id=enterprise_id, actor=actor)

    @patch("/{enterprise_id:str}", guards=[ADMIN], summary="Update an enterprise (admin)")
    async def update(
        self, enterprise_id: FromPath[str], data: JSONBody[s.EnterpriseUpdate], actor: NamedDependency[Actor]
    ) -> s.EnterpriseRead:
        async with transaction():
            return await service.update_enterprise(enterprise_id=enterprise_id, data=data, actor=actor)


class DepartmentController(Controller):
    path = "/api/v1/departments"
    tags = ["organisations"]
    guards = [requires(*STAFF)]

    @post("/", guards=[ADMIN], summary="Create a department (admin; city-level ones: unscoped admins only)")
    async def create(self, data: JSONBody[s.DepartmentCreate], actor: NamedDependency[Actor]) -> s.DepartmentRead:
        return await service.create_department(data=data, actor=actor)

    @get("/", summary="List departments (scoped callers: city-level ones and their district's)")
    async def list(
        self,
        actor: NamedDependency[Actor],
        district: FromQuery[str | None] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.DepartmentRead]:
        return page(await service.list_departments(actor=actor, district=district, limit=limit, cursor=cursor))

    @get("/{department_id:str}", summary="Read a department")
    async def get(self, department_id: FromPath[str], actor: NamedDependency[Actor]) -> s.DepartmentRead:
        return await service.get_department(department_id=department_id, actor=actor)


class ServicePointController(Controller):
    path = "/api/v1/service-points"
    tags = ["organisations"]
    guards = [requires(*ALL_ROLES)]

    @post("/", guards=[ADMIN], summary="Create a service point (admin)")
    async def create(self, data: JSONBody[s.ServicePointCreate], actor: NamedDependency[Actor]) -> s.ServicePointRead:
        return await service.create_service_point(data=data, actor=actor)

    @get("/", summary="List service points (service staff: their own; holders: all)")
    async def list(
        self,
        actor: NamedDependency[Actor],
        service_: Annotated[s.Service | None, QueryParameter(name="service")] = None,
        district: FromQuery[str | None] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.ServicePointRead]:
        return page(
            await service.list_service_points(
                actor=actor, service=service_, district=district, limit=limit, cursor=cursor
            )
        )

    @get("/{service_point_id:str}", summary="Read a service point")
    async def get(self, service_point_id: FromPath[str], actor: NamedDependency[Actor]) -> s.ServicePointRead:
        return await service.get_service_point(service_point_id=service_point_id, actor=actor)


class ChamberController(Controller):
    path = "/api/v1/chambers"
    tags = ["organisations"]
    guards = [requires(Role.ADMIN, Role.SECRETARY, Role.LEADER)]

    @post("/", guards=[ADMIN], summary="Register a chamber of commerce (admin)")
    async def create(self, data: JSONBody[s.ChamberCreate], actor: NamedDependency[Actor]) -> s.ChamberRead:
        return await service.create_chamber(data=data, actor=actor)

    @get("/", summary="List chambers")
    async def list(
        self,
        actor: NamedDependency[Actor],
        district: FromQuery[str | None] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.ChamberRead]:
        return page(await service.list_chambers(actor=actor, district=district, limit=limit, cursor=cursor))

    @get("/{chamber_id:str}", summary="Read a chamber")
    async def get(self, chamber_id: FromPath[str], actor: NamedDependency[Actor]) -> s.ChamberRead:
        return await service.get_chamber(chamber_id=chamber_id, actor=actor)


@get("/api/v1/me", tags=["auth"], summary="The caller's own profile")
async def me(actor: NamedDependency[Actor]) -> s.MeRead:
    return await service.get_me(actor=actor)


ROUTERS = [UserController, EnterpriseController, DepartmentController, ServicePointController, ChamberController, me]
