"""Chamber plans: one per leader, chamber and year; completed visits counted from chamber visits."""

from __future__ import annotations

import datetime as dt

from backend.platform import clock
from backend.visits import plans
from backend.visits.tables import ChamberPlan

URL = "/api/v1/chamber-plans"


async def chamber_visit(leader, chamber_id: str, at: str):
    clock.set_now(dt.datetime.fromisoformat(at) + dt.timedelta(hours=1))
    reply = await leader.post(
        "/api/v1/visits", json={"chamber_id": chamber_id, "visited_at": at, "summary": "商会座谈"}
    )
    assert reply.status_code == 201, reply.text


async def test_completed_visits_count_the_leaders_chamber_visits_in_the_shanghai_year(factory):
    admin = await factory.user("admin")
    leader = await factory.user("leader")
    other = await factory.user("leader")
    chamber = await factory.chamber()
    second = await factory.chamber()
    reply = await admin.post(
        URL, json={"leader_id": leader.id, "chamber_id": chamber.id, "year": 2026, "planned_visits": 4}
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["completed_visits"] == 0
    await chamber_visit(leader, chamber.id, "2026-01-01T00:30:00+08:00")  # 2025-12-31 in UTC: counts for 2026
    await chamber_visit(leader, chamber.id, "2026-07-01T10:00:00+08:00")
    await chamber_visit(leader, chamber.id, "2025-12-31T23:30:00+08:00")  # 2025
    await chamber_visit(leader, second.id, "2026-03-01T10:00:00+08:00")  # another chamber
    await chamber_visit(other, chamber.id, "2026-03-01T10:00:00+08:00")  # another leader
    listed = (await admin.get(URL, params={"year": 2026})).json()["items"]
    assert [(p["leader_id"], p["planned_visits"], p["completed_visits"]) for p in listed] == [(leader.id, 4, 2)]
    progress = await plans.plan_progress(year=2026)
    assert [p.completed_visits for p in progress] == [2]


async def test_duplicate_plan_is_409_and_bad_plans_are_422(factory):
    admin = await factory.user("admin")
    leader = await factory.user("leader")
    secretary = await factory.user("secretary")
    chamber = await factory.chamber()
    body = {"leader_id": leader.id, "chamber_id": chamber.id, "year": 2026, "planned_visits": 4}
    assert (await admin.post(URL, json=body)).status_code == 201
    duplicate = await admin.post(URL, json=body | {"planned_visits": 6})
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "plan_exists"
    for change, code in (
        ({"leader_id": secretary.id}, "unknown_leader"),
        ({"chamber_id": "nope"}, "unknown_chamber"),
        ({"planned_visits": 0}, "validation_failed"),
        ({"year": 1999}, "validation_failed"),
    ):
        reply = await admin.post(URL, json=body | change)
        assert reply.status_code == 422 and reply.json()["code"] == code, change
    assert await ChamberPlan.count() == 1


async def test_who_plans_and_who_sees_plans(factory):
    callers = await factory.callers()
    leader = callers["leader"]
    other = await factory.user("leader")
    chamber = await factory.chamber()
    mine = {"leader_id": leader.id, "chamber_id": chamber.id, "year": 2026, "planned_visits": 2}
    assert (await leader.post(URL, json=mine)).status_code == 201
    theirs = await leader.post(URL, json=mine | {"leader_id": other.id})
    assert theirs.status_code == 403 and theirs.json()["code"] == "not_your_plan"
    await callers["admin"].post(URL, json=mine | {"leader_id": other.id})
    for role in ("secretary", "department", "entrepreneur", "service_staff"):
        assert (await callers[role].post(URL, json=mine | {"year": 2027})).status_code == 403, role
    seen = lambda r: sorted(p["leader_id"] for p in r.json()["items"])  # noqa: E731
    assert seen(await leader.get(URL, params={"year": 2026})) == [leader.id]
    assert seen(await callers["secretary"].get(URL, params={"year": 2026})) == sorted([leader.id, other.id])
    scoped = await factory.user("secretary", district="台江区")
    assert seen(await scoped.get(URL, params={"year": 2026})) == []
    for role in ("department", "entrepreneur", "service_staff"):
        assert (await callers[role].get(URL)).status_code == 403, role
