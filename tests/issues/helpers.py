"""Helpers for the issue tests: issue input, and a created issue through the real service."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any, Iterator

from backend.issues import schemas as s
from backend.issues import service
from backend.issues.tables import Issue, IssueEvent
from backend.platform import db
from backend.platform.actor import Actor

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# A Monday in an ordinary working week (no holiday near it).
MONDAY_10AM = dt.datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)


def issue_input(enterprise_id: str, **kw: Any) -> dict[str, Any]:
    return {
        "enterprise_id": enterprise_id,
        "title": kw.pop("title", "用地审批迟迟未办"),
        "description": kw.pop("description", "新厂房用地审批已超过两个月。"),
        "category": kw.pop("category", "land"),
        **kw,
    }


async def create(actor: Actor, enterprise_id: str, **kw: Any) -> s.IssueRead:
    import msgspec

    data = msgspec.convert(issue_input(enterprise_id, **kw), s.IssueCreate)
    async with db.transaction():
        return await service.create_issue(data=data, actor=actor)


async def counts() -> tuple[int, int]:
    """(issues, history entries) in the database: a refused request changes neither."""
    return await Issue.count(), await IssueEvent.count()


async def post_issue(caller: Any, enterprise_id: str, **kw: Any):
    headers = kw.pop("headers", {})
    return await caller.post("/api/v1/issues", json=issue_input(enterprise_id, **kw), headers=headers)


async def act(caller: Any, issue_id: str, action: str, *, if_match: str | None = None, **kw: Any):
    headers = {"If-Match": if_match} if if_match else {}
    return await caller.post(f"/api/v1/issues/{issue_id}/transitions", json={"action": action, **kw}, headers=headers)


async def assign_enterprise(admin: Any, enterprise_id: str, leader_id: str, team: list[str] = ()) -> None:
    """Give the enterprise an active five-ones assignment (through the visits domain's API)."""
    reply = await admin.post(
        "/api/v1/assignments",
        json={
            "enterprise_id": enterprise_id,
            "leader_id": leader_id,
            "team": list(team),
            "mechanism": {"visit_interval_days": 30},
        },
    )
    assert reply.status_code == 201, reply.text


@contextlib.contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Collect the SQL each query sends while inside the block (for "no query per row" tests)."""
    engine_class = type(db.engine())  # engines have __slots__: patch the class, then restore it
    sent: list[str] = []
    original = engine_class.run_querystring

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    engine_class.run_querystring = counted  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        engine_class.run_querystring = original  # type: ignore[method-assign]
