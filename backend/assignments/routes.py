"""HTTP routes of the assignments domain (tagged with the visits they organise)."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from backend.assignments import schemas as s
from backend.assignments import service
from backend.platform.actor import Actor, Role
from backend.platform.db import transaction
from backend.platform.guards import requires
from backend.platform.routing import DEFAULT_PAGE, Cursor, Limit, page
from backend.platform.schemas import Page

ADMIN = requires(Role.ADMIN)


class AssignmentController(Controller):
    path = "/api/v1/assignments"
    tags = ["five-ones visits"]
    guards = [requires(Role.ADMIN, Role.SECRETARY, Role.LEADER, Role.DEPARTMENT, Role.ENTREPRENEUR)]

    @post("/", guards=[ADMIN], summary="Assign a leader, team and mechanism to an enterprise (admin)")
    async def create(self, data: JSONBody[s.AssignmentCreate], actor: NamedDependency[Actor]) -> s.AssignmentRead:
        async with transaction():
            return await service.create(data=data, actor=actor)

    @get("/", summary="List assignments the caller may see (a leader: the ones they lead or serve on)")
    async def list(
        self,
        actor: NamedDependency[Actor],
        enterprise_id: FromQuery[str | None] = None,
        leader_id: FromQuery[str | None] = None,
        status: FromQuery[Literal["active", "ended"] | None] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> Page[s.AssignmentRead]:
        return page(
            await service.get_all(
                actor=actor, enterprise_id=enterprise_id, leader_id=leader_id, status=status, limit=limit, cursor=cursor
            )
        )

    @get("/{assignment_id:str}", summary="Read an assignment")
    async def get(self, assignment_id: FromPath[str], actor: NamedDependency[Actor]) -> s.AssignmentRead:
        return await service.get(assignment_id=assignment_id, actor=actor)

    @patch("/{assignment_id:str}", guards=[ADMIN], summary="Change an active assignment's team or interval (admin)")
    async def update(
        self, assignment_id: FromPath[str], data: JSONBody[s.AssignmentUpdate], actor: NamedDependency[Actor]
    ) -> s.AssignmentRead:
        async with transaction():
            return await service.update(assignment_id=assignment_id, data=data, actor=actor)

    @post(
        "/{assignment_id:str}/end",
        guards=[ADMIN],
        status_code=200,
        summary="End an assignment, keeping it as history (admin)",
    )
    async def end(
        self, assignment_id: FromPath[str], actor: NamedDependency[Actor], data: JSONBody[s.AssignmentEnd | None] = None
    ) -> s.AssignmentRead:
        async with transaction():
            return await service.end(assignment_id=assignment_id, data=data or s.AssignmentEnd(), actor=actor)

    @post(
        "/{assignment_id:str}/handover",
        guards=[ADMIN],
        status_code=200,
        summary="Hand the enterprise over to another leader (admin); answers the new assignment",
    )
    async def handover(
        self, assignment_id: FromPath[str], data: JSONBody[s.AssignmentHandover], actor: NamedDependency[Actor]
    ) -> s.AssignmentRead:
        async with transaction():
            return await service.handover(assignment_id=assignment_id, data=data, actor=actor)


ROUTERS: list = [AssignmentController]
