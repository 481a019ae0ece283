"""Who sees which visits, role by role (a hidden visit answers 404; lists never leak rows)."""

from __future__ import annotations

import asyncio
import datetime as dt

from backend.platform import clock
from backend.visits import service
from backend.visits.tables import Visit
from tests.visits.helpers import assigned, count

URL = "/api/v1/visits"
NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)


async def log(caller, enterprise_id: str, **kw) -> str:
    body = {"enterprise_id": enterprise_id, "visited_at": "2026-06-10T10:00:00+08:00", "summary": "走访"} | kw
    reply = await caller.post(URL, json=body)
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


async def test_visibility_matrix(factory):
    clock.set_now(NOW)
    gulou = await assigned(factory, district="鼓楼区")
    taijiang = await assigned(factory, district="台江区", admin=gulou.admin)
    a = await log(gulou.leader, gulou.enterprise.id)
    b = await log(taijiang.member, taijiang.enterprise.id)
    chamber = await factory.chamber(district="鼓楼区")
    c = await log(gulou.leader, None, chamber_id=chamber.id)
    callers = {
        "admin": (gulou.admin, {a, b, c}),
        "secretary": (await factory.user("secretary"), {a, b, c}),
        "scoped secretary": (await factory.user("secretary", district="台江区"), {b}),
        "scoped admin": (await factory.user("admin", district="鼓楼区"), {a, c}),
        "leader": (gulou.leader, {a, c}),
        "team member (a secretary of the district)": (gulou.member, {a, c}),
        "other leader": (await factory.user("leader", district="鼓楼区"), set()),
        "department": (await factory.user("department"), set()),
        "owner": (await factory.user("entrepreneur", enterprise_id=gulou.enterprise.id), {a}),
        "other owner": (await factory.user("entrepreneur"), set()),
    }
    for name, (caller, expected) in callers.items():
        reply = await caller.get(URL)
        assert reply.status_code == 200, name
        assert {v["id"] for v in reply.json()["items"]} == expected, name
        for visit_id in (a, b, c):
            one = await caller.get(f"{URL}/{visit_id}")
            assert one.status_code == (200 if visit_id in expected else 404), (name, visit_id)
    staff = await factory.user("service_staff")
    assert (await staff.get(URL)).status_code == 403
    assert (await staff.get(f"{URL}/{a}")).status_code == 403
    # Read-only roles cannot log visits.
    for caller in (callers["owner"][0], staff):
        assert (await caller.post(URL, json={"enterprise_id": gulou.enterprise.id})).status_code == 403
    assert (await gulou.admin.get(f"{URL}/not-an-id")).status_code == 404


async def test_a_department_user_on_the_team_sees_the_enterprise_visits(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    dept = await factory.user("department")
    await setup.admin.patch(f"/api/v1/assignments/{setup.assignment['id']}", json={"team": [dept.id]})
    visit_id = await log(dept, setup.enterprise.id)
    assert [a["id"] for a in (await dept.get("/api/v1/assignments")).json()["items"]] == [setup.assignment["id"]]
    with_issue = {
        "enterprise_id": setup.enterprise.id,
        "visited_at": "2026-06-10T10:00:00+08:00",
        "summary": "走访",
        "issues": [{"title": "t", "description": "d", "category": "c", "disposition": "on_spot"}],
    }
    refused = await dept.post(URL, json=with_issue)
    assert refused.status_code == 403
    assert await count(Visit) == 1
    assert [v["id"] for v in (await dept.get(URL)).json()["items"]] == [visit_id]


async def test_concurrent_retries_from_a_flaky_phone_make_one_visit(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    body = {"enterprise_id": setup.enterprise.id, "visited_at": "2026-06-10T10:00:00+08:00", "summary": "走访"}
    headers = {"Idempotency-Key": "flaky-1"}
    replies = await asyncio.gather(*(setup.leader.post(URL, json=body, headers=headers) for _ in range(4)))
    assert {r.status_code for r in replies} == {201}
    assert len({r.json()["id"] for r in replies}) == 1
    assert await count(Visit) == 1


async def test_due_for_visit_counts_from_the_last_visit(factory):
    clock.set_now(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC))
    setup = await assigned(factory, interval=10)
    clock.set_now(NOW)
    await log(setup.leader, setup.enterprise.id, visited_at="2026-06-05T10:00:00+08:00")
    assert await service.assignments_due_for_visit(today=dt.date(2026, 6, 14)) == []
    due = await service.assignments_due_for_visit(today=dt.date(2026, 6, 15))
    assert [(d.last_visited_on, d.due_on) for d in due] == [(dt.date(2026, 6, 5), dt.date(2026, 6, 15))]


async def test_due_for_visit_counts_from_start_when_never_visited(factory):
    clock.set_now(dt.datetime(2026, 3, 1, 2, tzinfo=dt.UTC))
    setup = await assigned(factory, interval=10)
    assert await service.assignments_due_for_visit(today=dt.date(2026, 3, 10)) == []
    due = await service.assignments_due_for_visit(today=dt.date(2026, 3, 11))
    assert [(d.enterprise_id, d.leader_id, d.due_on, d.last_visited_on) for d in due] == [
        (setup.enterprise.id, setup.leader.id, dt.date(2026, 3, 11), None)
    ]
