"""Helpers for the cards tests: a holder with a card, an admin, staff at a service point."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from backend.cards import keys, verification
from tests.factories import Caller, Factory


@pytest.fixture(autouse=True)
def _fresh_key_ring():
    # Tables are emptied before every test: forget what this process cached about keys and points.
    keys.forget()
    verification._CHECKED.clear()
    verification._POINT_SERVICE.clear()
    verification._CARD_INFO.clear()
    yield
    keys.forget()


@dataclass
class World:
    factory: Factory
    admin: Caller
    holder: Caller
    card: dict[str, Any]
    staff: Caller  # at a medical service point (the card grants medical and transport)

    async def staff_at(self, service: str, district: str = "鼓楼区") -> Caller:
        point = await self.factory.service_point(service=service, district=district)
        return await self.factory.user("service_staff", service_point_id=point.id)

    async def verify(self, token: Any, staff: Caller | None = None, **kw: Any) -> dict[str, Any]:
        reply = await (staff or self.staff).post("/api/v1/verifications", json={"token": token}, **kw)
        assert reply.status_code == 200, reply.text
        return reply.json()

    async def credential(self, card_id: str | None = None) -> str:
        reply = await self.admin.get(f"/api/v1/cards/{card_id or self.card['id']}/credential")
        assert reply.status_code == 200, reply.text
        return reply.json()["token"]

    async def presentation(self, holder: Caller | None = None) -> str:
        reply = await (holder or self.holder).get("/api/v1/me/card/presentation")
        assert reply.status_code == 200, reply.text
        return reply.json()["token"]


async def issue(admin: Caller, holder: Caller, **body: Any) -> dict[str, Any]:
    payload = {
        "holder_id": holder.id,
        "enterprise_id": holder.actor.enterprise_id,
        "services": ["medical", "transport"],
    } | body
    reply = await admin.post("/api/v1/cards", json=payload)
    assert reply.status_code == 201, reply.text
    return reply.json()


async def holder(factory: Factory, name: str = "张三丰", enterprise: str = "福州绿源科技有限公司") -> Caller:
    ent = await factory.enterprise(name=enterprise)
    return await factory.user("entrepreneur", enterprise_id=ent.id, display_name=name)


@pytest.fixture
async def world(factory: Factory) -> World:
    admin = await factory.user("admin")
    owner = await holder(factory)
    card = await issue(admin, owner)
    point = await factory.service_point(service="medical")
    staff = await factory.user("service_staff", service_point_id=point.id)
    return World(factory=factory, admin=admin, holder=owner, card=card, staff=staff)


@pytest.fixture
async def world_for_hypothesis(world: World) -> World:
    """The world plus a credential, shared by every example of a hypothesis test."""
    world.token = await world.credential()  # type: ignore[attr-defined]
    return world
