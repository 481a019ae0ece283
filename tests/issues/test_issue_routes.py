"""The issue workflow through HTTP: a department works an issue to resolution, the owner confirms
or reopens it; ETags, Idempotency-Key, and every refused request changes nothing."""

from __future__ import annotations

import pytest

from backend.platform import clock
from tests.issues.helpers import MONDAY_10AM, act, counts, post_issue


@pytest.fixture
async def world(factory):
    clock.set_now(MONDAY_10AM)
    department = await factory.department()
    owner = await factory.user("entrepreneur")
    return {
        "enterprise_id": owner.actor.enterprise_id,
        "department_id": department.id,
        "secretary": await factory.user("secretary"),
        "staff": await factory.user("department", department_id=department.id),
        "other_staff": await factory.user("department"),
        "owner": owner,
        "leader": await factory.user("leader"),
    }


async def assigned_issue(world) -> dict:
    reply = await post_issue(
        world["secretary"], world["enterprise_id"], disposition="assigned", department_id=world["department_id"]
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


async def test_department_resolves_owner_confirms_secretary_closes(world):
    issue = await assigned_issue(world)
    staff, owner, secretary = world["staff"], world["owner"], world["secretary"]
    assert (await act(staff, issue["id"], "start")).json()["status"] == "in_progress"
    reply = await act(staff, issue["id"], "resolve", note="用地手续已批复")
    assert reply.status_code == 200 and reply.json()["status"] == "resolved"
    assert reply.json()["resolution"] == "用地手续已批复" and reply.headers["ETag"] == reply.json()["etag"]
    feedback = await owner.post(f"/api/v1/issues/{issue['id']}/feedback", json={"satisfied": True, "comment": "满意"})
    assert feedback.status_code == 200 and feedback.json()["satisfied"] is True
    closed = await act(secretary, issue["id"], "verify")
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    read = await secretary.get(f"/api/v1/issues/{issue['id']}")
    assert read.headers["ETag"] == read.json()["etag"]
    history = read.json()["history"]
    assert [h["action"] for h in history] == ["create", "start", "resolve", "feedback", "verify"]
    assert [h["to_status"] for h in history] == ["assigned", "in_progress", "resolved", "resolved", "closed"]
    assert history[2]["actor_id"] == staff.id and history[2]["note"] == "用地手续已批复"
    assert all(h["at"] for h in history)


async def test_owner_not_satisfied_reopens_to_the_department_with_a_new_deadline(world):
    issue = await assigned_issue(world)
    await act(world["staff"], issue["id"], "resolve", note="已处理")
    reply = await world["owner"].post(
        f"/api/v1/issues/{issue['id']}/feedback", json={"satisfied": False, "comment": "没解决"}
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "assigned" and body["resolution"] is None and body["satisfied"] is False
    assert body["history"][-1]["action"] == "reopen" and "没解决" in body["history"][-1]["note"]
    # Resolved again: feedback on the new resolution is awaited afresh.
    again = await act(world["staff"], issue["id"], "resolve", note="第二次处理")
    assert again.json()["satisfied"] is None
    ok = await world["owner"].post(f"/api/v1/issues/{issue['id']}/feedback", json={"satisfied": True})
    assert ok.status_code == 200


async def test_stale_if_match_is_refused_with_412_and_changes_nothing(world):
    issue = await assigned_issue(world)
    first = await act(world["staff"], issue["id"], "start", if_match=issue["etag"])
    assert first.status_code == 200
    before = await counts()
    stale = await act(world["secretary"], issue["id"], "transfer", if_match=issue["etag"])
    assert stale.status_code == 412 and stale.json()["code"] == "stale_etag"
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert await counts() == before
    read = await world["secretary"].get(f"/api/v1/issues/{issue['id']}")
    assert read.json()["status"] == "in_progress"
    fresh = await act(world["secretary"], issue["id"], "transfer", if_match=read.headers["ETag"])
    assert fresh.status_code == 200 and fresh.json()["status"] == "transferred"


@pytest.mark.parametrize(
    ("setup", "caller", "action", "status"),
    [
        ([], "staff", "verify", 403),  # departments do not verify
        ([], "secretary", "start", 403),  # secretaries do not start work
        ([], "secretary", "verify", 409),  # assigned cannot be verified
        ([], "secretary", "reopen", 409),
        ([("staff", "start", {})], "staff", "start", 409),
        ([("staff", "resolve", {"note": "ok"})], "staff", "resolve", 409),
        ([("staff", "resolve", {"note": "ok"})], "secretary", "transfer", 409),
        ([("secretary", "redirect", {})], "secretary", "assign", 409),
        ([("secretary", "transfer", {})], "staff", "start", 409),
        ([], "other_staff", "start", 404),  # another department does not even see it
        ([], "leader", "assign", 403),
        ([], "owner", "reopen", 403),
    ],
)
async def test_actions_not_allowed_are_refused_and_change_nothing(world, setup, caller, action, status):
    issue = await assigned_issue(world)
    for who, step, extra in setup:
        assert (await act(world[who], issue["id"], step, **extra)).status_code == 200
    before = await counts()
    reply = await act(world[caller], issue["id"], action, note="x")
    assert reply.status_code == status, reply.text
    assert reply.json()["code"] and reply.headers["content-type"].startswith("application/problem+json")
    assert await counts() == before


async def test_resolve_needs_a_resolution_note(world):
    issue = await assigned_issue(world)
    reply = await act(world["staff"], issue["id"], "resolve")
    assert reply.status_code == 422 and reply.json()["code"] == "resolution_required"


async def test_feedback_only_by_the_owner_and_only_once_resolved(world, factory):
    issue = await assigned_issue(world)
    url = f"/api/v1/issues/{issue['id']}/feedback"
    early = await world["owner"].post(url, json={"satisfied": True})
    assert early.status_code == 409 and early.json()["code"] == "not_resolved"
    await act(world["staff"], issue["id"], "resolve", note="ok")
    before = await counts()
    stranger = await factory.user("entrepreneur")
    assert (await stranger.post(url, json={"satisfied": False})).status_code == 404
    assert (await world["secretary"].post(url, json={"satisfied": False})).status_code == 403
    assert (await world["staff"].post(url, json={"satisfied": False})).status_code == 403
    assert await counts() == before
    assert (await world["owner"].post(url, json={"satisfied": True})).status_code == 200
    twice = await world["owner"].post(url, json={"satisfied": False})
    assert twice.status_code == 409 and twice.json()["code"] == "feedback_already_given"


async def test_idempotency_key_returns_the_first_issue(world):
    headers = {"Idempotency-Key": "phone-retry-1"}
    first = await post_issue(world["owner"], world["enterprise_id"], headers=headers)
    again = await post_issue(world["owner"], world["enterprise_id"], headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and await counts() == (1, 1)
    assert again.headers["ETag"] == first.headers["ETag"]


async def test_assign_from_open_needs_a_department_and_takes_a_deadline(world):
    issue = (await post_issue(world["owner"], world["enterprise_id"])).json()
    assert issue["status"] == "open"
    missing = await act(world["secretary"], issue["id"], "assign")
    assert missing.status_code == 422 and missing.json()["code"] == "department_required"
    past = await act(
        world["secretary"],
        issue["id"],
        "assign",
        department_id=world["department_id"],
        due_at="2020-01-01T00:00:00+08:00",
    )
    assert past.status_code == 422
    ok = await act(
        world["secretary"],
        issue["id"],
        "assign",
        department_id=world["department_id"],
        due_at="2026-03-20T18:00:00+08:00",
    )
    assert ok.status_code == 200 and ok.json()["due_at"].startswith("2026-03-20T10:00:00")
    assert ok.json()["disposition"] == "assigned" and ok.json()["assigned_at"]
