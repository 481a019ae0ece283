"""The people of the browser tests, created in the database and served by the real server."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import httpx
from PIL import Image

from backend.orgs import schemas as o
from backend.orgs import service as orgs
from backend.platform.actor import SYSTEM
from tests.factories import Caller, Factory


@dataclass
class World:
    factory: Factory
    admin: Caller
    holder: Caller  # 张三丰 of 福州绿源科技有限公司, card for medical and transport
    card: dict[str, Any]
    staff: Caller  # at 福建省立医院绿色通道 (medical)
    point: o.ServicePointRead

    async def presentation(self, holder: Caller | None = None) -> str:
        reply = await (holder or self.holder).get("/api/v1/me/card/presentation")
        assert reply.status_code == 200, reply.text
        return reply.json()["token"]

    async def credential(self, card_id: str) -> str:
        reply = await self.admin.get(f"/api/v1/cards/{card_id}/credential")
        assert reply.status_code == 200, reply.text
        return reply.json()["token"]

    async def verify(self, token: str, staff: Caller | None = None) -> dict[str, Any]:
        reply = await (staff or self.staff).post("/api/v1/verifications", json={"token": token})
        assert reply.status_code == 200, reply.text
        return reply.json()

    async def holder_with_card(self, name: str, enterprise: str, username: str, **card: Any) -> tuple[Caller, dict]:
        ent = await self.factory.enterprise(name=enterprise)
        person = await self.factory.user("entrepreneur", enterprise_id=ent.id, display_name=name, username=username)
        body = {"holder_id": person.id, "enterprise_id": ent.id, "services": ["medical"]} | card
        reply = await self.admin.post("/api/v1/cards", json=body)
        assert reply.status_code == 201, reply.text
        return person, reply.json()


async def make_world(http: httpx.AsyncClient) -> World:
    factory = Factory(http)  # callers talk to the live server
    admin = await factory.user("admin", username="office")
    ent = await factory.enterprise(name="福州绿源科技有限公司")
    holder = await factory.user("entrepreneur", enterprise_id=ent.id, display_name="张三丰", username="zhangsanfeng")
    reply = await admin.post(
        "/api/v1/cards", json={"holder_id": holder.id, "enterprise_id": ent.id, "services": ["medical", "transport"]}
    )
    assert reply.status_code == 201, reply.text
    point = await orgs.create_service_point(
        data=o.ServicePointCreate(name="福建省立医院绿色通道", service=o.Service.MEDICAL, district="鼓楼区"),
        actor=SYSTEM,
    )
    staff = await factory.user("service_staff", service_point_id=point.id, username="window1", display_name="王窗口")
    return World(factory=factory, admin=admin, holder=holder, card=reply.json(), staff=staff, point=point)


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in a screenshot (zxing-cpp)."""
    import zxingcpp

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert len(found) == 1, f"{len(found)} codes in the screenshot"
    return found[0].text
