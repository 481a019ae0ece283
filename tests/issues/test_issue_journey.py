"""The whole story: a leader logs a visit with issues from a flaky phone, a department works one to
resolution, the owner reopens then confirms it, and the secretary sees exactly what is unresolved."""

from __future__ import annotations

import datetime as dt

from backend.issues.tables import Issue
from backend.platform import clock
from tests.issues.helpers import MONDAY_10AM, act, assign_enterprise


async def test_visit_to_closed_issue(factory):
    clock.set_now(MONDAY_10AM)
    admin, secretary = await factory.user("admin"), await factory.user("secretary")
    land, tax = await factory.department("市自然资源局"), await factory.department("市税务局")
    staff = await factory.user("department", department_id=land.id)
    leader = await factory.user("leader", district="鼓楼区")
    owner = await factory.user("entrepreneur", district="鼓楼区")
    enterprise_id = owner.actor.enterprise_id
    await assign_enterprise(admin, enterprise_id, leader.id)

    visit = {
        "enterprise_id": enterprise_id,
        "visited_at": (MONDAY_10AM - dt.timedelta(hours=1)).isoformat(),
        "summary": "走访企业，了解用地和税务问题",
        "attendees": ["王市长", "企业负责人"],
        "financing_coordinated": "12800000.00",
        "hires_helped": 12,
        "issues": [
            {
                "title": "新厂房用地审批",
                "description": "审批已两个月",
                "category": "land",
                "disposition": "assigned",
                "department_id": land.id,
            },
            {
                "title": "增值税留抵退税",
                "description": "退税进度咨询",
                "category": "tax",
                "disposition": "assigned",
                "department_id": tax.id,
                "due_at": (MONDAY_10AM + dt.timedelta(days=1)).isoformat(),
            },
            {
                "title": "员工子女入学",
                "description": "现场答复政策",
                "category": "education",
                "disposition": "on_spot",
                "resolution": "现场说明绿卡入学政策",
            },
        ],
    }
    headers = {"Idempotency-Key": "visit-2026-03-09-1"}
    first = await leader.post("/api/v1/visits", json=visit, headers=headers)
    assert first.status_code == 201, first.text
    retry = await leader.post("/api/v1/visits", json=visit, headers=headers)  # the phone lost the reply
    assert retry.status_code == 201 and retry.json()["id"] == first.json()["id"]
    assert await Issue.count() == 3
    land_issue = next(i for i in first.json()["issues"] if i["category"] == "land")
    assert land_issue["visit_id"] == first.json()["id"] and land_issue["status"] == "assigned"

    queue = (await secretary.get("/api/v1/review-queue")).json()["items"]
    assert [i["issue"]["category"] for i in queue] == ["tax", "land"]  # nearest deadline first
    assert queue[0]["leader"]["id"] == leader.id

    assert (await act(staff, land_issue["id"], "start")).status_code == 200
    assert (await act(staff, land_issue["id"], "resolve", note="用地已批复")).status_code == 200
    url = f"/api/v1/issues/{land_issue['id']}/feedback"
    reopened = await owner.post(url, json={"satisfied": False, "comment": "批复文件还没收到"})
    assert reopened.json()["status"] == "assigned"
    assert (await act(staff, land_issue["id"], "resolve", note="批复文件已送达")).status_code == 200
    assert (await owner.post(url, json={"satisfied": True})).status_code == 200
    closed = await act(secretary, land_issue["id"], "verify")
    assert closed.json()["status"] == "closed"

    clock.set_now(MONDAY_10AM + dt.timedelta(days=3))
    queue = (await secretary.get("/api/v1/review-queue")).json()["items"]
    assert [(i["issue"]["category"], i["days_overdue"]) for i in queue] == [("tax", 2)]
    leader_view = (await leader.get("/api/v1/issues")).json()["items"]
    assert {i["category"] for i in leader_view} == {"land", "tax", "education"}
