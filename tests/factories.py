"""Builders for test data through the real services, and callers with a role."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient as AsyncTestClient

from backend.orgs import schemas as s
from backend.orgs import service as orgs
from backend.platform.actor import SYSTEM, Actor, Role
from backend.security import tokens

_seq = itertools.count(1)


def credit_code(seed: int) -> str:
    """A valid unified social credit code, different for each seed."""
    from stdnum.cn import uscc

    body = f"91350100MA{seed:07d}"[:17]
    return body + uscc.calc_check_digit(body)


@dataclass
class Caller:
    """A user of the API with a valid access token."""

    client: AsyncTestClient
    actor: Actor

    @property
    def id(self) -> str:
        return self.actor.id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens.issue_access_token(self.actor)}"}

    async def get(self, url: str, **kw: Any):
        return await self.client.get(url, headers=self.headers | kw.pop("headers", {}), **kw)

    async def post(self, url: str, json: Any = None, **kw: Any):
        return await self.client.post(url, json=json, headers=self.headers | kw.pop("headers", {}), **kw)

    async def patch(self, url: str, json: Any = None, **kw: Any):
        return await self.client.patch(url, json=json, headers=self.headers | kw.pop("headers", {}), **kw)


class Factory:
    def __init__(self, client: AsyncTestClient) -> None:
        self.client = client

    async def enterprise(self, district: str = "鼓楼区", **kw: Any) -> s.EnterpriseRead:
        n = next(_seq)
        data = s.EnterpriseCreate(
            name=kw.pop("name", f"企业{n}"), credit_code=kw.pop("credit_code", credit_code(n)), district=district, **kw
        )
        return await orgs.create_enterprise(data=data, actor=SYSTEM)

    async def department(self, name: str | None = None, district: str | None = None) -> s.DepartmentRead:
        """A department of `district`, or a city-level one."""
        data = s.DepartmentCreate(name=name or f"部门{next(_seq)}", district=district)
        return await orgs.create_department(data=data, actor=SYSTEM)

    async def service_point(self, service: str = "medical", district: str = "鼓楼区") -> s.ServicePointRead:
        data = s.ServicePointCreate(name=f"服务点{next(_seq)}", service=s.Service(service), district=district)
        return await orgs.create_service_point(data=data, actor=SYSTEM)

    async def chamber(self, district: str = "鼓楼区") -> s.ChamberRead:
        return await orgs.create_chamber(
            data=s.ChamberCreate(name=f"商会{next(_seq)}", district=district), actor=SYSTEM
        )

    async def user(
        self, role: str, *, district: str | None = None, password: str = "correct-horse-1", **links: Any
    ) -> Caller:
        role_ = Role(role)
        if role_ == Role.ENTREPRENEUR and "enterprise_id" not in links:
            links["enterprise_id"] = (await self.enterprise(district=district or "鼓楼区")).id
        if role_ == Role.SERVICE_STAFF and "service_point_id" not in links:
            links["service_point_id"] = (await self.service_point(district=district or "鼓楼区")).id
        if role_ == Role.DEPARTMENT and "department_id" not in links:
            links["department_id"] = (await self.department(district=district)).id
        data = s.UserCreate(
            username=links.pop("username", f"{role}{next(_seq)}"),
            password=password,
            role=role_,
            display_name=links.pop("display_name", f"{role} user"),
            district=district,
            **links,
        )
        user = await orgs.create_user(data=data, actor=SYSTEM)
        actor = Actor(
            id=user.id,
            username=user.username,
            role=user.role,
            district=user.district,
            enterprise_id=user.enterprise_id,
            service_point_id=user.service_point_id,
            department_id=user.department_id,
        )
        return Caller(self.client, actor)

    async def callers(self, district: str | None = None) -> dict[str, Caller]:
        """One caller per role (unscoped unless `district` is given)."""
        return {role.value: await self.user(role.value, district=district) for role in Role}
