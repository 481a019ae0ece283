"""Which department an issue may be handed to: a city-level one (it serves every district) or one
of the issue's own district. Another district's department would read the issue: refused, and
nothing changes (403 `out_of_scope` for a scoped caller, 422 `department_out_of_district` else)."""

from __future__ import annotations

import pytest

from backend.platform import clock
from tests.issues.helpers import MONDAY_10AM, act, counts, post_issue

HOME, AWAY = "鼓楼区", "台江区"


@pytest.fixture
async def world(factory):
    clock.set_now(MONDAY_10AM)
    districts = {"city": None, "home": HOME, "away": AWAY}
    departments = {k: (await factory.department(district=d)).id for k, d in districts.items()}
    return {
        "enterprise": await factory.enterprise(district=HOME),
        "departments": departments,
        "secretary": await factory.user("secretary", district=HOME),
        "city_admin": await factory.user("admin"),
        "staff": {
            k: await factory.user("department", department_id=departments[k], district=d) for k, d in districts.items()
        },
    }


@pytest.mark.parametrize(
    ("who", "status", "code"), [("secretary", 403, "out_of_scope"), ("city_admin", 422, "department_out_of_district")]
)
async def test_an_issue_is_not_created_for_another_districts_department(world, who, status, code):
    before = await counts()
    reply = await post_issue(
        world[who], world["enterprise"].id, disposition="assigned", department_id=world["departments"]["away"]
    )
    assert reply.status_code == status and reply.json()["code"] == code, reply.text
    assert await counts() == before
    assert (await world["staff"]["away"].get("/api/v1/issues")).json()["items"] == []


@pytest.mark.parametrize(
    ("who", "status", "code"), [("secretary", 403, "out_of_scope"), ("city_admin", 422, "department_out_of_district")]
)
@pytest.mark.parametrize("action", ["assign", "reopen"])
async def test_an_issue_is_not_handed_to_another_districts_department(world, who, status, code, action):
    secretary = world["secretary"]
    disposition = {"disposition": "on_spot"} if action == "reopen" else {}
    issue = (await post_issue(secretary, world["enterprise"].id, **disposition)).json()
    before = await counts()
    reply = await act(world[who], issue["id"], action, department_id=world["departments"]["away"])
    assert reply.status_code == status and reply.json()["code"] == code, reply.text
    assert await counts() == before
    again = (await secretary.get(f"/api/v1/issues/{issue['id']}")).json()
    assert again["version"] == issue["version"] and again["department_id"] is None
    assert (await world["staff"]["away"].get(f"/api/v1/issues/{issue['id']}")).status_code == 404


@pytest.mark.parametrize("department", ["city", "home"])
async def test_a_city_level_or_own_district_department_gets_the_issue_and_sees_it(world, department):
    reply = await post_issue(
        world["secretary"],
        world["enterprise"].id,
        disposition="assigned",
        department_id=world["departments"][department],
    )
    assert reply.status_code == 201, reply.text
    issue_id = reply.json()["id"]
    seen = {k: (await staff.get(f"/api/v1/issues/{issue_id}")).status_code for k, staff in world["staff"].items()}
    assert seen == {k: 200 if k == department else 404 for k in world["staff"]}
