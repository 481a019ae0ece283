"""The secretaries' review queue and the issue list filters."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.platform import clock
from backend.platform.actor import SYSTEM
from tests.issues.helpers import MONDAY_10AM, SHANGHAI, act, assign_enterprise, counting_queries, create

A, B = "鼓楼区", "台江区"


def at(days: float) -> str:
    return (MONDAY_10AM + dt.timedelta(days=days)).isoformat()


@pytest.fixture
async def desk(factory):
    """Issues reported two weeks ago with deadlines around 'now' (Monday 9 March 2026, 10:00)."""
    clock.set_now(MONDAY_10AM - dt.timedelta(days=14))
    d1, d2 = await factory.department("市自然资源局"), await factory.department("市人社局")
    admin = await factory.user("admin")
    leader = await factory.user("leader", district=A, display_name="王市长")
    e1 = await factory.enterprise(district=A, name="福耀玻璃")
    e2 = await factory.enterprise(district=B, name="宁德时代")
    await assign_enterprise(admin, e1.id, leader.id)

    async def issue(enterprise, department, due_in_days, **kw):
        return (
            await create(
                SYSTEM, enterprise.id, disposition="assigned", department_id=department.id, due_at=at(due_in_days), **kw
            )
        ).id

    ids = {
        "late3": await issue(e1, d1, -3),
        "late1": await issue(e2, d2, -1),
        "soon": await issue(e1, d2, 1),
        "later": await issue(e2, d1, 5),
        "solved": await issue(e1, d1, -2),
        "undated": (await create(SYSTEM, e2.id)).id,
        "transferred": (await create(SYSTEM, e1.id, disposition="transferred")).id,
    }
    staff = await factory.user("department", department_id=d1.id)
    assert (await act(staff, ids["solved"], "resolve", note="已解决")).status_code == 200
    clock.set_now(MONDAY_10AM)
    return {"ids": ids, "secretary": await factory.user("secretary"), "e1": e1, "d1": d1, "leader": leader}


async def test_queue_is_unresolved_overdue_first_then_nearest_deadline(desk):
    reply = await desk["secretary"].get("/api/v1/review-queue")
    assert reply.status_code == 200
    items = reply.json()["items"]
    name = {v: k for k, v in desk["ids"].items()}
    assert [name[i["issue"]["id"]] for i in items] == ["late3", "late1", "soon", "later", "undated"]
    first = items[0]
    assert first["enterprise_name"] == "福耀玻璃" and first["department_name"] == "市自然资源局"
    assert first["leader"] == {"id": desk["leader"].id, "display_name": "王市长"}
    # Due Friday 6 March: three calendar days late, one working day (the weekend does not count).
    assert first["days_overdue"] == 3 and first["working_days_overdue"] == 1
    assert first["issue"]["overdue"] is True
    assert items[2]["days_overdue"] == 0 and items[2]["issue"]["overdue"] is False
    assert items[1]["leader"] is None  # 宁德时代 has no assignment


async def test_queue_costs_the_same_queries_however_many_rows(desk, factory):
    with counting_queries() as few:
        assert len((await desk["secretary"].get("/api/v1/review-queue")).json()["items"]) == 5
    admin = await factory.user("admin")
    for n in range(4):
        leader = await factory.user("leader", district=A, display_name=f"领导{n}")
        enterprise = await factory.enterprise(district=A, name=f"企业{n}")
        await assign_enterprise(admin, enterprise.id, leader.id)
        await create(SYSTEM, enterprise.id, disposition="assigned", department_id=desk["d1"].id, due_at=at(2))
    with counting_queries() as many:
        items = (await desk["secretary"].get("/api/v1/review-queue")).json()["items"]
    assert len(items) == 9 and {i["leader"]["display_name"] for i in items[3:7]} == {f"领导{n}" for n in range(4)}
    assert len(many) == len(few)


async def test_queue_pages_keep_the_order(desk):
    seen, cursor = [], None
    while True:
        url = "/api/v1/review-queue?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = (await desk["secretary"].get(url)).json()
        seen += [i["issue"]["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    full = [i["issue"]["id"] for i in (await desk["secretary"].get("/api/v1/review-queue")).json()["items"]]
    assert seen == full and len(seen) == 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=true", ["late3", "late1"]),
        ("status=open", ["undated"]),
        ("district=台江区", ["late1", "later", "undated"]),
        ("enterprise_id={e1}", ["late3", "soon"]),
        ("department_id={d1}", ["late3", "later"]),
        ("overdue=true&district=鼓楼区", ["late3"]),
    ],
)
async def test_queue_filters(desk, query, expected):
    query = query.format(e1=desk["e1"].id, d1=desk["d1"].id)
    body = (await desk["secretary"].get(f"/api/v1/review-queue?{query}")).json()
    name = {v: k for k, v in desk["ids"].items()}
    assert [name[i["issue"]["id"]] for i in body["items"]] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=true", {"late3", "late1"}),
        ("status=resolved", {"solved"}),
        ("status=transferred", {"transferred"}),
        ("district=鼓楼区", {"late3", "soon", "solved", "transferred"}),
        ("department_id={d1}", {"late3", "later", "solved"}),
    ],
)
async def test_list_filters(desk, query, expected):
    query = query.format(d1=desk["d1"].id)
    body = (await desk["secretary"].get(f"/api/v1/issues?{query}")).json()
    name = {v: k for k, v in desk["ids"].items()}
    assert {name[i["id"]] for i in body["items"]} == expected


@pytest.mark.parametrize("query", ["status=lost", "enterprise_id=nope", "cursor=%%%", "limit=0", "overdue=maybe"])
async def test_bad_filters_are_4xx_problems(desk, query):
    for url in ("/api/v1/issues", "/api/v1/review-queue"):
        reply = await desk["secretary"].get(f"{url}?{query}")
        assert 400 <= reply.status_code < 500, (url, query, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")


async def test_list_pages_by_cursor(desk):
    first = (await desk["secretary"].get("/api/v1/issues?limit=4")).json()
    rest = (await desk["secretary"].get(f"/api/v1/issues?limit=4&cursor={first['next_cursor']}")).json()
    ids = [i["id"] for i in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 7 and rest["next_cursor"] is None


async def test_reminder_queries(desk):
    from backend.issues import service

    overdue = await service.overdue(now=clock.now())
    assert [i.id for i in overdue] == [desk["ids"]["late3"], desk["ids"]["late1"]]
    soon = await service.due_soon(before=clock.now() + dt.timedelta(days=2))
    assert [i.id for i in soon] == [desk["ids"]["soon"]]
    assert soon[0].due_at.astimezone(SHANGHAI).date() == dt.date(2026, 3, 10)
