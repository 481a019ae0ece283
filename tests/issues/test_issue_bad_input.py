"""Bad requests to the issue endpoints: each a clear 4xx problem, and nothing changed."""

from __future__ import annotations

import asyncio

import pytest

from backend.platform import clock
from tests.issues.helpers import MONDAY_10AM, act, counts, issue_input, post_issue


@pytest.fixture
async def people(factory):
    clock.set_now(MONDAY_10AM)
    department = await factory.department()
    owner = await factory.user("entrepreneur")
    return {
        "enterprise_id": owner.actor.enterprise_id,
        "department_id": department.id,
        "secretary": await factory.user("secretary"),
        "staff": await factory.user("department", department_id=department.id),
        "owner": owner,
    }


def problem(reply, status: int, code: str | None = None) -> None:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    body = reply.json()
    assert body["status"] == status and body["code"] and body["detail"]
    if code:
        assert body["code"] == code, body


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"title": ""}, 422, "title"),
        ({"category": None}, 422, None),  # missing
        ({"disposition": "lost"}, 422, "disposition"),
        ({"reported_at": "2026-03-09T10:00:00"}, 422, "reported_at"),  # no offset
        ({"reported_at": "2026-03-10T10:00:00+08:00"}, 422, "reported_at"),  # tomorrow
        ({"due_at": "next week", "disposition": "assigned"}, 422, "due_at"),
        ({"surprise": 1}, 422, None),
        ({"disposition": "assigned", "department_id": "DEPT", "due_at": "2026-03-01T10:00:00+08:00"}, 422, "due_at"),
    ],
)
async def test_bad_issue_input(people, change, status, field):
    body = issue_input(people["enterprise_id"])
    body |= {k: (people["department_id"] if v == "DEPT" else v) for k, v in change.items()}
    body = {k: v for k, v in body.items() if v is not None}
    reply = await people["secretary"].post("/api/v1/issues", json=body)
    problem(reply, status)
    if field:
        assert any(field in e["field"] for e in reply.json().get("errors", [])), reply.json()
    assert await counts() == (0, 0)


async def test_malformed_json_is_400(people):
    reply = await people["secretary"].post(
        "/api/v1/issues", content=b'{"title": ', headers={"content-type": "application/json"}
    )
    problem(reply, 400, "malformed_json")


async def test_unauthenticated_is_401(client, people):
    reply = await client.post("/api/v1/issues", json=issue_input(people["enterprise_id"]))
    problem(reply, 401)
    problem(await client.get("/api/v1/review-queue"), 401)


@pytest.mark.parametrize("issue_id", ["not-a-uuid", "00000000-0000-7000-8000-000000000000"])
async def test_unknown_issue_is_404_everywhere(people, issue_id):
    problem(await people["secretary"].get(f"/api/v1/issues/{issue_id}"), 404, "issue_not_found")
    problem(await act(people["secretary"], issue_id, "verify"), 404, "issue_not_found")
    problem(await people["owner"].post(f"/api/v1/issues/{issue_id}/feedback", json={"satisfied": True}), 404)


async def test_bad_transition_bodies(people):
    issue = (
        await post_issue(
            people["secretary"], people["enterprise_id"], disposition="assigned", department_id=people["department_id"]
        )
    ).json()
    before = await counts()
    problem(await act(people["secretary"], issue["id"], "fly"), 422)
    problem(await act(people["staff"], issue["id"], "start", department_id=people["department_id"]), 422)
    problem(await act(people["staff"], issue["id"], "start", due_at="2026-04-01T10:00:00+08:00"), 422)
    problem(
        await act(people["secretary"], issue["id"], "assign", department_id="00000000-0000-7000-8000-000000000000"),
        422,
        "department_not_found",
    )
    problem(await act(people["secretary"], issue["id"], "assign", if_match='"garbage"'), 412, "stale_etag")
    problem(await people["owner"].post(f"/api/v1/issues/{issue['id']}/feedback", json={"satisfied": "yes"}), 422)
    assert await counts() == before


async def test_weak_and_wildcard_if_match_are_accepted(people):
    issue = (
        await post_issue(
            people["secretary"], people["enterprise_id"], disposition="assigned", department_id=people["department_id"]
        )
    ).json()
    reply = await act(people["staff"], issue["id"], "start", if_match=f"W/{issue['etag']}")
    assert reply.status_code == 200
    reply = await act(people["staff"], issue["id"], "resolve", note="ok", if_match="*")
    assert reply.status_code == 200


async def test_simultaneous_actions_from_one_status_succeed_once(people):
    issue = (
        await post_issue(
            people["secretary"], people["enterprise_id"], disposition="assigned", department_id=people["department_id"]
        )
    ).json()
    replies = await asyncio.gather(
        act(people["staff"], issue["id"], "start"),
        act(people["secretary"], issue["id"], "transfer"),
        act(people["secretary"], issue["id"], "redirect"),
    )
    codes = sorted(r.status_code for r in replies)
    read = (await people["secretary"].get(f"/api/v1/issues/{issue['id']}")).json()
    # start then transfer/redirect may both be legal in sequence; what never happens is two
    # writes that both left `assigned`.
    assert [h["from_status"] for h in read["history"]].count("assigned") == 1
    assert read["version"] == len(read["history"]) == 1 + codes.count(200)


async def test_idempotent_transition_replays_the_first_reply(people):
    issue = (
        await post_issue(
            people["secretary"], people["enterprise_id"], disposition="assigned", department_id=people["department_id"]
        )
    ).json()
    headers = {"Idempotency-Key": "resolve-1"}
    url = f"/api/v1/issues/{issue['id']}/transitions"
    first = await people["staff"].post(url, json={"action": "resolve", "note": "ok"}, headers=headers)
    again = await people["staff"].post(url, json={"action": "resolve", "note": "ok"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["ETag"] == first.headers["ETag"]
    assert len(again.json()["history"]) == 2


async def test_openapi_describes_the_issue_endpoints(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/issues",
        "/api/v1/issues/{issue_id}",
        "/api/v1/issues/{issue_id}/transitions",
        "/api/v1/issues/{issue_id}/feedback",
        "/api/v1/review-queue",
    ):
        assert path in paths, path
