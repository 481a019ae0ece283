"""Columns reports read (first response, resolution, closing) and the less common paths."""

from __future__ import annotations

import datetime as dt

from backend.issues import rules
from backend.platform import clock
from backend.platform.workdays import deadline_after
from tests.issues.helpers import MONDAY_10AM, act, post_issue


async def test_first_response_and_reassignment(factory):
    clock.set_now(MONDAY_10AM)
    d1, d2 = await factory.department(), await factory.department()
    secretary = await factory.user("secretary")
    staff1 = await factory.user("department", department_id=d1.id)
    staff2 = await factory.user("department", department_id=d2.id)
    owner = await factory.user("entrepreneur")
    issue = (await post_issue(secretary, owner.actor.enterprise_id, disposition="assigned", department_id=d1.id)).json()
    assert issue["assigned_at"] == issue["reported_at"] and issue["first_response_at"] is None

    clock.set_now(MONDAY_10AM + dt.timedelta(hours=2))
    started = (await act(staff1, issue["id"], "start")).json()
    assert dt.datetime.fromisoformat(started["first_response_at"]) == clock.now()

    clock.set_now(MONDAY_10AM + dt.timedelta(hours=3))
    moved = await act(secretary, issue["id"], "assign", department_id=d2.id, note="属于人社局职责")
    body = moved.json()
    assert body["department_id"] == d2.id and body["first_response_at"] is None
    expected = deadline_after(clock.now(), rules.DEFAULT_DEADLINE_WORKING_DAYS)
    assert dt.datetime.fromisoformat(body["due_at"]) == expected
    assert (await act(staff1, issue["id"], "start")).status_code == 404  # no longer theirs
    resolved = (await act(staff2, issue["id"], "resolve", note="已办结")).json()
    assert resolved["resolved_at"] == resolved["first_response_at"]
    assert resolved["history"][-2]["department_id"] == d2.id and resolved["history"][-2]["note"] == "属于人社局职责"


async def test_on_spot_issue_reopens_as_open_and_is_dispatched(factory):
    secretary = await factory.user("secretary")
    department = await factory.department()
    owner = await factory.user("entrepreneur")
    issue = (
        await post_issue(secretary, owner.actor.enterprise_id, disposition="on_spot", resolution="现场解答")
    ).json()
    assert issue["status"] == "resolved" and issue["resolution"] == "现场解答"
    reopened = (await owner.post(f"/api/v1/issues/{issue['id']}/feedback", json={"satisfied": False})).json()
    assert reopened["status"] == "open" and reopened["due_at"] is None and reopened["resolution"] is None
    assigned = (await act(secretary, issue["id"], "assign", department_id=department.id)).json()
    assert assigned["status"] == "assigned" and assigned["disposition"] == "assigned" and assigned["due_at"]


async def test_secretary_reopens_a_closed_issue_to_another_department(factory):
    d1, d2 = await factory.department(), await factory.department()
    secretary = await factory.user("secretary")
    staff = await factory.user("department", department_id=d1.id)
    owner = await factory.user("entrepreneur")
    issue = (await post_issue(secretary, owner.actor.enterprise_id, disposition="assigned", department_id=d1.id)).json()
    await act(staff, issue["id"], "resolve", note="ok")
    closed = (await act(secretary, issue["id"], "verify")).json()
    assert closed["status"] == "closed" and closed["closed_at"]
    reopened = (await act(secretary, issue["id"], "reopen", department_id=d2.id, note="企业反映未落实")).json()
    assert reopened["status"] == "assigned" and reopened["department_id"] == d2.id
    assert reopened["closed_at"] is None and reopened["resolved_at"] is None
