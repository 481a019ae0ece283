"""Issues raised in a chamber visit: only for enterprises in the chamber's district that the
leader's own district covers. Otherwise the whole visit is refused and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.issues.tables import Issue, IssueEvent
from backend.platform import clock
from backend.visits.tables import Visit

URL = "/api/v1/visits"
NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)
HOME, AWAY = "鼓楼区", "台江区"


def chamber_visit(chamber_id: str, *issues: dict) -> dict:
    return {
        "chamber_id": chamber_id,
        "visited_at": "2026-06-10T15:30:00+08:00",
        "summary": "走访商会",
        "attendees": ["会长"],
        "financing_coordinated": "0",
        "hires_helped": 0,
        "issues": list(issues),
    }


def issue(enterprise_id: str, **kw) -> dict:
    return {
        "enterprise_id": enterprise_id,
        "title": "融资难",
        "description": "会员企业反映贷款难",
        "category": "finance",
    } | kw


async def written() -> tuple[int, int, int]:
    return await Visit.count(), await Issue.count(), await IssueEvent.count()


@pytest.fixture
async def world(factory):
    clock.set_now(NOW)
    return {
        "leader": await factory.user("leader", district=HOME),
        "city_leader": await factory.user("leader"),
        "chamber": await factory.chamber(district=HOME),
        "member": await factory.enterprise(district=HOME),
        "foreign": await factory.enterprise(district=AWAY),
    }


async def test_a_district_leader_cannot_raise_issues_for_another_districts_enterprise(world):
    """The attack: a chamber visit used to skip every check on its issues' enterprises."""
    leader, chamber = world["leader"], world["chamber"]
    body = chamber_visit(chamber.id, issue(world["member"].id), issue(world["foreign"].id))
    reply = await leader.post(URL, json=body)
    assert reply.status_code == 403 and reply.json()["code"] == "out_of_scope", reply.text
    assert reply.json()["detail"].startswith("issues[1]")
    assert await written() == (0, 0, 0)
    assert (await leader.get(f"/api/v1/issues?enterprise_id={world['foreign'].id}")).json()["items"] == []


async def test_a_city_leader_raises_issues_only_of_the_chambers_district(world):
    body = chamber_visit(world["chamber"].id, issue(world["foreign"].id))
    reply = await world["city_leader"].post(URL, json=body)
    assert reply.status_code == 422 and reply.json()["code"] == "enterprise_outside_chamber_district", reply.text
    assert any(e["field"] == "issues[0].enterprise_id" for e in reply.json()["errors"])
    assert await written() == (0, 0, 0)


async def test_an_issue_in_a_chamber_visit_is_not_handed_to_another_districts_department(world, factory):
    away_department = await factory.department(district=AWAY)
    body = chamber_visit(
        world["chamber"].id, issue(world["member"].id, disposition="assigned", department_id=away_department.id)
    )
    reply = await world["leader"].post(URL, json=body)
    assert reply.status_code == 403 and reply.json()["code"] == "out_of_scope", reply.text
    assert await written() == (0, 0, 0)


async def test_a_member_enterprise_of_the_chambers_district_is_fine(world, factory):
    """No assignment is needed: a chamber gathers enterprises the leader does not lead."""
    city_department = await factory.department()
    body = chamber_visit(
        world["chamber"].id,
        issue(world["member"].id),
        issue(world["member"].id, disposition="assigned", department_id=city_department.id),
    )
    for leader in (world["leader"], world["city_leader"]):
        reply = await leader.post(URL, json=body)
        assert reply.status_code == 201, reply.text
        assert [i["enterprise_id"] for i in reply.json()["issues"]] == [world["member"].id] * 2
    assert await written() == (2, 4, 4)
