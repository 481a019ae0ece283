"""A small city where every reminder rule has something to say at one moment (WORLD_NOW)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from backend.platform import clock, workdays
from tests.factories import Caller, Factory
from tests.reminders.helpers import shanghai

WORLD_NOW = shanghai(2026, 12, 9, 10, 0)  # a Wednesday morning


@dataclass
class World:
    admin: Caller
    leader: Caller
    staff: Caller  # of the department the issues are assigned to
    secretary: Caller  # scoped to the enterprise's district
    city_secretary: Caller  # unscoped
    other_secretary: Caller  # another district: hears of none of this
    holder: Caller
    enterprise_id: str
    department_id: str
    ids: dict[str, str] = field(default_factory=dict)


async def issue(admin: Caller, enterprise_id: str, department_id: str, due_on: dt.date, title: str) -> str:
    r = await admin.post(
        "/api/v1/issues",
        json={
            "enterprise_id": enterprise_id,
            "title": title,
            "description": "企业反映的问题",
            "category": "land",
            "disposition": "assigned",
            "department_id": department_id,
            "due_at": workdays.end_of_day(due_on).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def build(factory: Factory) -> World:
    """Data made on 2026-11-01..25; at WORLD_NOW each of the seven rules is due exactly once."""
    clock.set_now(shanghai(2026, 11, 1, 10, 0))
    admin = await factory.user("admin")
    enterprise = await factory.enterprise(district="鼓楼区")
    leader = await factory.user("leader", district="鼓楼区")
    staff = await factory.user("department")
    world = World(
        admin=admin,
        leader=leader,
        staff=staff,
        secretary=await factory.user("secretary", district="鼓楼区"),
        city_secretary=await factory.user("secretary"),
        other_secretary=await factory.user("secretary", district="台江区"),
        holder=await factory.user("entrepreneur", enterprise_id=enterprise.id),
        enterprise_id=enterprise.id,
        department_id=staff.actor.department_id,
    )
    r = await admin.post(
        "/api/v1/assignments",
        json={
            "enterprise_id": enterprise.id,
            "leader_id": leader.id,
            "team": [],
            "mechanism": {"visit_interval_days": 30},
        },
    )
    assert r.status_code == 201, r.text
    world.ids["assignment"] = r.json()["id"]
    r = await admin.post(
        "/api/v1/cards",
        json={
            "holder_id": world.holder.id,
            "enterprise_id": enterprise.id,
            "services": ["medical"],
            "valid_until": shanghai(2026, 12, 20, 23, 59).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    world.ids["card"] = r.json()["id"]
    chamber = await factory.chamber(district="鼓楼区")
    r = await admin.post(
        "/api/v1/chamber-plans",
        json={"leader_id": leader.id, "chamber_id": chamber.id, "year": 2026, "planned_visits": 12},
    )
    assert r.status_code == 201, r.text
    world.ids["plan"] = r.json()["id"]
    clock.set_now(shanghai(2026, 11, 25, 10, 0))
    world.ids["late_issue"] = await issue(
        admin, enterprise.id, world.department_id, dt.date(2026, 12, 2), "用地审批超期"
    )
    world.ids["near_issue"] = await issue(admin, enterprise.id, world.department_id, dt.date(2026, 12, 10), "用电扩容")
    clock.set_now(WORLD_NOW)
    return world


def expected(world: World) -> dict[tuple[str, str], set[str]]:
    """(rule, subject) -> the user ids that must get exactly one notification each at WORLD_NOW."""
    district_secretaries = {world.secretary.id, world.city_secretary.id}
    return {
        ("issue_due_soon", world.ids["near_issue"]): {world.staff.id},
        ("issue_overdue", world.ids["late_issue"]): {world.staff.id} | district_secretaries,
        ("issue_escalated", world.ids["late_issue"]): {world.leader.id},
        ("visit_overdue", world.ids["assignment"]): {world.leader.id},
        ("card_expiring", world.ids["card"]): {world.admin.id, world.holder.id},
        ("chamber_plan_behind", world.ids["plan"]): {world.leader.id},
        ("issues_digest", world.secretary.id): {world.secretary.id},
        ("issues_digest", world.city_secretary.id): {world.city_secretary.id},
    }
