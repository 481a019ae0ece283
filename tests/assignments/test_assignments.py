"""Assignments: one active leader per enterprise, team, mechanism; ending and handing over keep history."""

from __future__ import annotations

from backend.assignments import service
from backend.assignments.tables import Assignment, AssignmentMember
from tests.visits.helpers import assigned, count

URL = "/api/v1/assignments"


async def test_admin_assigns_leader_team_and_mechanism(factory):
    setup = await assigned(factory, interval=14)
    body = setup.assignment
    assert body["enterprise_id"] == setup.enterprise.id
    assert body["leader_id"] == setup.leader.id
    assert body["team"] == [setup.member.id]
    assert body["mechanism"] == {"visit_interval_days": 14}
    assert body["status"] == "active" and body["ended_at"] is None


async def test_second_active_assignment_is_a_conflict_and_changes_nothing(factory):
    setup = await assigned(factory)
    other = await factory.user("leader")
    reply = await setup.admin.post(
        URL, json={"enterprise_id": setup.enterprise.id, "leader_id": other.id, "mechanism": {"visit_interval_days": 7}}
    )
    assert reply.status_code == 409
    assert reply.json()["code"] == "assignment_exists"
    assert await count(Assignment) == 1


async def test_bad_assignment_inputs_are_422_and_change_nothing(factory):
    admin = await factory.user("admin")
    leader = await factory.user("leader")
    secretary = await factory.user("secretary")
    owner = await factory.user("entrepreneur")
    enterprise = await factory.enterprise()
    good = {
        "enterprise_id": enterprise.id,
        "leader_id": leader.id,
        "team": [],
        "mechanism": {"visit_interval_days": 30},
    }
    cases = [
        ({"enterprise_id": "not-a-uuid"}, "unknown_enterprise"),
        ({"enterprise_id": "0190aaaa-0000-7000-8000-000000000000"}, "unknown_enterprise"),
        ({"leader_id": secretary.id}, "unknown_leader"),
        ({"leader_id": "nope"}, "unknown_leader"),
        ({"team": [owner.id]}, "unknown_team_member"),
        ({"team": [leader.id]}, "leader_in_team"),
        ({"team": [secretary.id, secretary.id]}, "duplicate_team_member"),
        ({"mechanism": {"visit_interval_days": 0}}, "validation_failed"),
        ({"mechanism": {}}, "validation_failed"),
    ]
    for change, code in cases:
        reply = await admin.post(URL, json=good | change)
        assert reply.status_code == 422, (change, reply.text)
        assert reply.json()["code"] == code, change
    assert await count(Assignment) == 0 and await count(AssignmentMember) == 0


async def test_only_admin_creates_assignments(factory):
    callers = await factory.callers()
    enterprise = await factory.enterprise()
    leader = await factory.user("leader")
    body = {"enterprise_id": enterprise.id, "leader_id": leader.id, "mechanism": {"visit_interval_days": 30}}
    for role, caller in callers.items():
        if role == "admin":
            continue
        assert (await caller.post(URL, json=body)).status_code == 403, role
    assert await count(Assignment) == 0


async def test_scoped_admin_cannot_assign_outside_district(factory):
    admin = await factory.user("admin", district="台江区")
    leader = await factory.user("leader")
    enterprise = await factory.enterprise(district="鼓楼区")
    reply = await admin.post(
        URL, json={"enterprise_id": enterprise.id, "leader_id": leader.id, "mechanism": {"visit_interval_days": 30}}
    )
    assert reply.status_code == 403 and reply.json()["code"] == "out_of_scope"
    assert await count(Assignment) == 0


async def test_leader_of_another_district_is_refused(factory):
    admin = await factory.user("admin")
    leader = await factory.user("leader", district="台江区")
    enterprise = await factory.enterprise(district="鼓楼区")
    reply = await admin.post(
        URL, json={"enterprise_id": enterprise.id, "leader_id": leader.id, "mechanism": {"visit_interval_days": 30}}
    )
    assert reply.status_code == 422 and reply.json()["code"] == "user_out_of_district"


async def test_end_keeps_history_and_frees_the_enterprise(factory):
    setup = await assigned(factory)
    url = f"{URL}/{setup.assignment['id']}"
    ended = await setup.admin.post(f"{url}/end", json={"reason": "项目完成"})
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "ended" and ended.json()["end_reason"] == "项目完成"
    again = await setup.admin.post(f"{url}/end")
    assert again.status_code == 409 and again.json()["code"] == "assignment_ended"
    assert await service.assigned_enterprise_ids(user_id=setup.leader.id) == []
    # A new leader can take the enterprise; the old row is still listed.
    other = await factory.user("leader")
    reply = await setup.admin.post(
        URL, json={"enterprise_id": setup.enterprise.id, "leader_id": other.id, "mechanism": {"visit_interval_days": 7}}
    )
    assert reply.status_code == 201
    listed = (await setup.admin.get(URL, params={"enterprise_id": setup.enterprise.id})).json()["items"]
    assert [a["status"] for a in listed] == ["ended", "active"]


async def test_handover_moves_the_enterprise_and_keeps_the_team(factory):
    setup = await assigned(factory, interval=21)
    successor = await factory.user("leader")
    reply = await setup.admin.post(
        f"{URL}/{setup.assignment['id']}/handover", json={"leader_id": successor.id, "reason": "工作调动"}
    )
    assert reply.status_code == 200, reply.text
    new = reply.json()
    assert new["leader_id"] == successor.id and new["team"] == [setup.member.id]
    assert new["mechanism"] == {"visit_interval_days": 21} and new["status"] == "active"
    old = (await setup.admin.get(f"{URL}/{setup.assignment['id']}")).json()
    assert old["status"] == "ended" and old["handed_over_to"] == new["id"] and old["end_reason"] == "工作调动"
    assert await service.assigned_enterprise_ids(user_id=setup.leader.id) == []
    assert [str(e) for e in await service.assigned_enterprise_ids(user_id=successor.id)] == [setup.enterprise.id]
    assert [str(e) for e in await service.assigned_enterprise_ids(user_id=setup.member.id)] == [setup.enterprise.id]
    # The old leader still sees the history of what they led.
    mine = (await setup.leader.get(URL)).json()["items"]
    assert [a["id"] for a in mine] == [setup.assignment["id"]]


async def test_handover_to_same_leader_or_non_leader_is_refused(factory):
    setup = await assigned(factory)
    url = f"{URL}/{setup.assignment['id']}/handover"
    same = await setup.admin.post(url, json={"leader_id": setup.leader.id})
    assert same.status_code == 422 and same.json()["code"] == "same_leader"
    bad = await setup.admin.post(url, json={"leader_id": setup.member.id})
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_leader"
    assert await count(Assignment) == 1
    assert (await setup.admin.get(f"{URL}/{setup.assignment['id']}")).json()["status"] == "active"


async def test_update_team_and_interval(factory):
    setup = await assigned(factory)
    dept = await factory.user("department")
    reply = await setup.admin.patch(
        f"{URL}/{setup.assignment['id']}", json={"team": [dept.id], "mechanism": {"visit_interval_days": 10}}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["team"] == [dept.id] and reply.json()["mechanism"]["visit_interval_days"] == 10
    assert await service.assigned_enterprise_ids(user_id=setup.member.id) == []


async def test_who_sees_which_assignments(factory):
    setup = await assigned(factory)
    other = await assigned(factory, district="台江区", admin=setup.admin)
    owner = await factory.user("entrepreneur", enterprise_id=setup.enterprise.id)
    scoped = await factory.user("secretary", district="台江区")
    stranger = await factory.user("leader")
    dept = await factory.user("department")
    staff = await factory.user("service_staff")
    ids = lambda r: {a["id"] for a in r.json()["items"]}  # noqa: E731
    a, b = setup.assignment["id"], other.assignment["id"]
    assert ids(await setup.admin.get(URL)) == {a, b}
    assert ids(await setup.leader.get(URL)) == {a}
    assert ids(await setup.member.get(URL)) == {a}
    assert ids(await owner.get(URL)) == {a}
    assert ids(await scoped.get(URL)) == {b}
    assert ids(await stranger.get(URL)) == set()
    assert ids(await dept.get(URL)) == set()
    assert (await staff.get(URL)).status_code == 403
    assert (await stranger.get(f"{URL}/{a}")).status_code == 404
    assert (await scoped.get(f"{URL}/{a}")).status_code == 404
