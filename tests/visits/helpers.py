"""Helpers for the visits tests: an enterprise with an active assignment, row counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.orgs.schemas import EnterpriseRead
from tests.factories import Caller, Factory

# 福州 三坊七巷 and a point about 2 km east of it.
HERE = (26.0850, 119.2960)
FAR = (26.0850, 119.3160)


@dataclass
class Setup:
    admin: Caller
    leader: Caller
    member: Caller
    enterprise: EnterpriseRead
    assignment: dict[str, Any]


async def assigned(
    factory: Factory, *, district: str = "鼓楼区", interval: int = 30, admin: Caller | None = None
) -> Setup:
    """An enterprise (with coordinates) assigned to a new leader with a one-member team."""
    admin = admin or await factory.user("admin")
    leader = await factory.user("leader", district=district)
    member = await factory.user("secretary", district=district)
    enterprise = await factory.enterprise(district=district, latitude=HERE[0], longitude=HERE[1])
    reply = await admin.post(
        "/api/v1/assignments",
        json={
            "enterprise_id": enterprise.id,
            "leader_id": leader.id,
            "team": [member.id],
            "mechanism": {"visit_interval_days": interval},
        },
    )
    assert reply.status_code == 201, reply.text
    return Setup(admin, leader, member, enterprise, reply.json())


async def count(table: Any) -> int:
    return await table.count()
