"""Who sees which issues, as a matrix: every caller against every issue, on every issue endpoint."""

from __future__ import annotations

import pytest

from backend.platform.actor import SYSTEM
from tests.issues.helpers import assign_enterprise, create

A, B = "鼓楼区", "台江区"


@pytest.fixture
async def matrix(factory):
    d1, d2 = await factory.department(), await factory.department()
    admin = await factory.user("admin")
    leader = await factory.user("leader", district=A)
    teammate = await factory.user("leader", district=A)
    owner1 = await factory.user("entrepreneur", district=A)
    owner3 = await factory.user("entrepreneur", district=A)
    e1, e3 = owner1.actor.enterprise_id, owner3.actor.enterprise_id
    e2 = (await factory.enterprise(district=B)).id
    await assign_enterprise(admin, e1, leader.id, [teammate.id])
    issues = {
        "i1": (await create(SYSTEM, e1, disposition="assigned", department_id=d1.id)).id,
        "i2": (await create(SYSTEM, e2, disposition="assigned", department_id=d2.id)).id,
        "i3": (await create(owner3.actor, e3)).id,
    }
    callers = {
        "admin": admin,
        "secretary": await factory.user("secretary"),
        "secretary_a": await factory.user("secretary", district=A),
        "admin_b": await factory.user("admin", district=B),
        "leader": leader,
        "teammate": teammate,
        "other_leader": await factory.user("leader", district=A),
        "staff_d1": await factory.user("department", department_id=d1.id),
        "staff_d2": await factory.user("department", department_id=d2.id),
        "owner1": owner1,
        "owner3": owner3,
        "service_staff": await factory.user("service_staff"),
    }
    return issues, callers


SEES = {
    "admin": {"i1", "i2", "i3"},
    "secretary": {"i1", "i2", "i3"},
    "secretary_a": {"i1", "i3"},
    "admin_b": {"i2"},
    "leader": {"i1"},
    "teammate": {"i1"},
    "other_leader": set(),
    "staff_d1": {"i1"},
    "staff_d2": {"i2"},
    "owner1": {"i1"},
    "owner3": {"i3"},
}


@pytest.mark.parametrize("who", [*SEES, "service_staff"])
async def test_who_sees_what(matrix, who):
    issues, callers = matrix
    caller = callers[who]
    listed = await caller.get("/api/v1/issues")
    if who == "service_staff":
        assert listed.status_code == 403
        assert (await caller.get(f"/api/v1/issues/{issues['i1']}")).status_code == 403
        return
    assert listed.status_code == 200
    by_id = {v: k for k, v in issues.items()}
    assert {by_id[i["id"]] for i in listed.json()["items"]} == SEES[who]
    for name, issue_id in issues.items():
        reply = await caller.get(f"/api/v1/issues/{issue_id}")
        assert reply.status_code == (200 if name in SEES[who] else 404), (who, name)
    queue = await caller.get("/api/v1/review-queue")
    if who in ("admin", "secretary", "secretary_a", "admin_b"):
        assert queue.status_code == 200
        assert {by_id[i["issue"]["id"]] for i in queue.json()["items"]} == SEES[who]
    else:
        assert queue.status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 201),
        ("secretary", 201),
        ("leader", 201),
        ("owner1", 201),
        ("teammate", 201),
        ("other_leader", 403),
        ("owner3", 403),
        ("staff_d1", 403),
        ("service_staff", 403),
        ("admin_b", 403),
    ],
)
async def test_who_may_file_an_issue_for_enterprise_1(matrix, who, status):
    issues, callers = matrix
    from backend.issues.tables import Issue

    e1 = (await Issue.select(Issue.enterprise_id).where(Issue.id == issues["i1"]).first())["enterprise_id"]
    before = await Issue.count()
    reply = await callers[who].post(
        "/api/v1/issues",
        json={"enterprise_id": str(e1), "title": "融资难", "description": "需要贷款对接", "category": "finance"},
    )
    assert reply.status_code == status, reply.text
    assert await Issue.count() == before + (1 if status == 201 else 0)
