"""Logging visits from phones: exact money, retries without duplicates, distance flag, bad input."""

from __future__ import annotations

import datetime as dt

from backend.platform import clock
from backend.visits.tables import Visit
from tests.visits.helpers import FAR, HERE, assigned, count

URL = "/api/v1/visits"
NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)


def visit_body(enterprise_id: str, **kw):
    return {
        "enterprise_id": enterprise_id,
        "visited_at": "2026-06-10T15:30:00+08:00",
        "latitude": HERE[0],
        "longitude": HERE[1],
        "summary": "走访企业，了解融资需求",
        "attendees": ["张总", "李经理"],
        "financing_coordinated": "12800000.50",
        "hires_helped": 12,
        "issues": [],
    } | kw


async def test_leader_logs_a_visit_with_exact_money(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    reply = await setup.leader.post(URL, json=visit_body(setup.enterprise.id))
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["financing_coordinated"] == "12800000.50"
    assert body["hires_helped"] == 12 and body["attendees"] == ["张总", "李经理"]
    assert body["leader_id"] == setup.leader.id and body["logged_by"] == setup.leader.id
    assert dt.datetime.fromisoformat(body["visited_at"]) == dt.datetime(2026, 6, 10, 7, 30, tzinfo=dt.UTC)
    assert body["issues"] == [] and body["photos"] == []
    # Leaders do not see the audit flag; see README.
    assert body["far_from_enterprise"] is None and body["distance_m"] is None
    read = (await setup.admin.get(f"{URL}/{body['id']}")).json()
    assert read["financing_coordinated"] == "12800000.50"
    assert read["far_from_enterprise"] is False and read["distance_m"] < 1


async def test_team_member_logs_a_visit_for_the_leader(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    reply = await setup.member.post(URL, json=visit_body(setup.enterprise.id, financing_coordinated="0"))
    assert reply.status_code == 201, reply.text
    assert reply.json()["leader_id"] == setup.leader.id and reply.json()["logged_by"] == setup.member.id
    assert reply.json()["financing_coordinated"] == "0.00"


async def test_retry_with_the_same_key_returns_the_first_visit(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    headers = {"Idempotency-Key": "phone-visit-1"}
    first = await setup.leader.post(URL, json=visit_body(setup.enterprise.id), headers=headers)
    second = await setup.leader.post(URL, json=visit_body(setup.enterprise.id), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert await count(Visit) == 1
    other = await setup.leader.post(URL, json=visit_body(setup.enterprise.id, summary="另一次"), headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert await count(Visit) == 1


async def test_visit_far_from_the_enterprise_is_flagged_for_secretaries(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    secretary = await factory.user("secretary")
    reply = await setup.leader.post(URL, json=visit_body(setup.enterprise.id, latitude=FAR[0], longitude=FAR[1]))
    assert reply.status_code == 201
    seen = (await secretary.get(f"{URL}/{reply.json()['id']}")).json()
    assert seen["far_from_enterprise"] is True
    assert 1900 < seen["distance_m"] < 2100
    listed = (await secretary.get(URL)).json()["items"]
    assert listed[0]["far_from_enterprise"] is True
    near = await setup.leader.post(URL, json=visit_body(setup.enterprise.id))
    flagged = (await secretary.get(URL, params={"far_from_enterprise": "true"})).json()["items"]
    assert [v["id"] for v in flagged] == [reply.json()["id"]]
    unflagged = (await secretary.get(URL, params={"far_from_enterprise": "false"})).json()["items"]
    assert [v["id"] for v in unflagged] == [near.json()["id"]]
    hidden = await setup.leader.get(URL, params={"far_from_enterprise": "true"})
    assert hidden.status_code == 403 and hidden.json()["code"] == "flag_hidden"


async def test_no_flag_without_a_location(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    body = visit_body(setup.enterprise.id)
    del body["latitude"], body["longitude"]
    reply = await setup.leader.post(URL, json=body)
    seen = (await setup.admin.get(f"{URL}/{reply.json()['id']}")).json()
    assert seen["far_from_enterprise"] is None and seen["distance_m"] is None


async def test_bad_visits_are_refused_and_change_nothing(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    unassigned = await factory.enterprise()
    chamber = await factory.chamber()
    eid = setup.enterprise.id
    cases = [
        ({"enterprise_id": "0190aaaa-0000-7000-8000-000000000000"}, 422, "unknown_enterprise"),
        ({"enterprise_id": "not-an-id"}, 422, "unknown_enterprise"),
        ({"enterprise_id": unassigned.id}, 403, "not_assigned"),
        ({"enterprise_id": None}, 422, "visit_target"),
        ({"chamber_id": chamber.id}, 422, "visit_target"),
        ({"visited_at": "2026-06-11T09:00:00+08:00"}, 422, "visited_in_future"),
        ({"visited_at": "2026-06-10T09:00:00"}, 422, "validation_failed"),
        ({"financing_coordinated": "-5.00"}, 422, "invalid_money"),
        ({"financing_coordinated": "1e5"}, 422, "invalid_money"),
        ({"financing_coordinated": "1.005"}, 422, "invalid_money"),
        ({"financing_coordinated": " 12"}, 422, "invalid_money"),
        ({"financing_coordinated": 12.5}, 422, "validation_failed"),
        ({"hires_helped": -1}, 422, "validation_failed"),
        ({"hires_helped": 1.5}, 422, "validation_failed"),
        ({"latitude": 91}, 422, "validation_failed"),
        ({"longitude": -181}, 422, "validation_failed"),
        ({"longitude": None}, 422, "bad_coordinates"),
        ({"summary": ""}, 422, "validation_failed"),
        ({"attendees": "张总"}, 422, "validation_failed"),
    ]
    for change, status, code in cases:
        reply = await setup.leader.post(URL, json=visit_body(eid) | change)
        assert reply.status_code == status, (change, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")
        assert reply.json()["code"] == code, (change, reply.json())
    stranger = await factory.user("leader")
    reply = await stranger.post(URL, json=visit_body(eid))
    assert reply.status_code == 403 and reply.json()["code"] == "not_assigned"
    assert await count(Visit) == 0


async def test_visits_stop_when_the_assignment_ends(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    await setup.admin.post(f"/api/v1/assignments/{setup.assignment['id']}/end")
    reply = await setup.leader.post(URL, json=visit_body(setup.enterprise.id))
    assert reply.status_code == 403 and reply.json()["code"] == "not_assigned"


async def test_chamber_visit_by_a_leader(factory):
    clock.set_now(NOW)
    leader = await factory.user("leader", district="鼓楼区")
    chamber = await factory.chamber(district="鼓楼区")
    elsewhere = await factory.chamber(district="台江区")
    body = visit_body(None, chamber_id=chamber.id)
    del body["enterprise_id"]
    reply = await leader.post(URL, json=body)
    assert reply.status_code == 201, reply.text
    assert reply.json()["chamber_id"] == chamber.id and reply.json()["enterprise_id"] is None
    refused = await leader.post(URL, json=body | {"chamber_id": elsewhere.id})
    assert refused.status_code == 403 and refused.json()["code"] == "out_of_scope"
    secretary = await factory.user("secretary")
    refused = await secretary.post(URL, json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "leaders_only"
    assert await count(Visit) == 1


async def test_list_filters_and_pages_newest_first(factory):
    setup = await assigned(factory)
    other = await assigned(factory, admin=setup.admin)
    for day in (1, 2, 3):
        clock.set_now(dt.datetime(2026, 6, day, 4, tzinfo=dt.UTC))
        at = f"2026-06-0{day}T10:00:00+08:00"
        assert (await setup.leader.post(URL, json=visit_body(setup.enterprise.id, visited_at=at))).status_code == 201
    await other.leader.post(URL, json=visit_body(other.enterprise.id, visited_at="2026-06-02T09:00:00+08:00"))
    admin = setup.admin
    first = (await admin.get(URL, params={"limit": 2})).json()
    second = (await admin.get(URL, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    days = [v["visited_at"][:10] for v in first["items"] + second["items"]]
    assert days == ["2026-06-03", "2026-06-02", "2026-06-02", "2026-06-01"] and second["next_cursor"] is None
    only = (
        await admin.get(URL, params={"enterprise_id": setup.enterprise.id, "from": "2026-06-02", "to": "2026-06-02"})
    ).json()
    assert [v["visited_at"][:10] for v in only["items"]] == ["2026-06-02"]
    by_leader = (await admin.get(URL, params={"leader_id": other.leader.id})).json()["items"]
    assert [v["enterprise_id"] for v in by_leader] == [other.enterprise.id]


def issue(**kw):
    return {"title": "用电增容", "description": "新厂房需要增容", "category": "要素保障", "disposition": "on_spot"} | kw


async def test_visit_with_issues_is_one_write_and_retries_do_not_duplicate(factory):
    from backend.issues.tables import Issue

    clock.set_now(NOW)
    setup = await assigned(factory)
    dept = await factory.department()
    body = visit_body(
        setup.enterprise.id,
        issues=[issue(), issue(title="招工难", disposition="assigned", department_id=dept.id)],
    )
    headers = {"Idempotency-Key": "visit-with-issues"}
    first = await setup.leader.post(URL, json=body, headers=headers)
    assert first.status_code == 201, first.text
    raised = first.json()["issues"]
    assert [(i["title"], i["status"], i["enterprise_id"]) for i in raised] == [
        ("用电增容", "resolved", setup.enterprise.id),
        ("招工难", "assigned", setup.enterprise.id),
    ]
    assert all(i["visit_id"] == first.json()["id"] for i in raised)
    again = await setup.leader.post(URL, json=body, headers=headers)
    assert again.json() == first.json()
    assert await count(Visit) == 1 and await count(Issue) == 2
    read = (await setup.leader.get(f"{URL}/{first.json()['id']}")).json()
    assert [i["id"] for i in read["issues"]] == [i["id"] for i in raised]
    owner = await factory.user("entrepreneur", enterprise_id=setup.enterprise.id)
    assert len((await owner.get(f"{URL}/{first.json()['id']}")).json()["issues"]) == 2


async def test_a_bad_issue_rolls_back_the_whole_visit(factory):
    from backend.issues.tables import Issue

    clock.set_now(NOW)
    setup = await assigned(factory)
    other = await factory.enterprise()
    for bad, field in (
        (issue(disposition="assigned"), "issues[1].department_id"),
        (issue(enterprise_id=other.id), "issues[1].enterprise_id"),
        (issue(reported_at="2027-01-01T00:00:00+08:00"), "issues[1].reported_at"),
    ):
        reply = await setup.leader.post(URL, json=visit_body(setup.enterprise.id, issues=[issue(), bad]))
        assert reply.status_code == 422, reply.text
        assert reply.json()["errors"][0]["field"] == field
    missing_title = issue()
    del missing_title["title"]
    reply = await setup.leader.post(URL, json=visit_body(setup.enterprise.id, issues=[missing_title]))
    assert reply.status_code == 422
    assert await count(Visit) == 0 and await count(Issue) == 0


async def test_bad_list_queries_are_422(factory):
    setup = await assigned(factory)
    for params, code in (
        ({"from": "June"}, "invalid_date"),
        ({"to": "2026-13-01"}, "invalid_date"),
        ({"cursor": "abc"}, "validation_failed"),
        ({"cursor": "WzFd"}, "validation_failed"),
        ({"limit": 0}, "validation_failed"),
    ):
        reply = await setup.admin.get(URL, params=params)
        assert reply.status_code == 422, params
        assert reply.json()["code"] == code
    for field in ("from", "to"):
        reply = await setup.admin.get(URL, params={field: "2026-6-1"})
        assert reply.status_code == 422 and [e["field"] for e in reply.json()["errors"]] == [field]


async def test_listing_visits_with_their_issues_costs_the_same_queries_however_many(factory):
    from tests.issues.helpers import counting_queries

    clock.set_now(NOW)
    setup = await assigned(factory)

    async def log_visit():
        reply = await setup.leader.post(
            URL, json=visit_body(setup.enterprise.id, issues=[issue(), issue(title="招工难")])
        )
        assert reply.status_code == 201, reply.text

    await log_visit()
    with counting_queries() as one:
        assert len((await setup.admin.get(URL)).json()["items"]) == 1
    for _ in range(3):
        await log_visit()
    with counting_queries() as four:
        items = (await setup.admin.get(URL)).json()["items"]
    assert [len(v["issues"]) for v in items] == [2, 2, 2, 2]
    assert len(four) == len(one)
