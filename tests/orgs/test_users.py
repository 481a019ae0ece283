"""Creating users: who may, and what is rejected."""

from __future__ import annotations

import pytest

from backend.orgs.tables import User

USERS = "/api/v1/users"


def new_user(**kw):
    return {"username": "new.user", "password": "long-enough-1", "role": "secretary", "display_name": "新用户"} | kw


async def test_admin_creates_a_user_who_can_log_in(client, factory):
    admin = await factory.user("admin")
    r = await admin.post(USERS, json=new_user(district="台江区", phone="13800000000"))
    assert r.status_code == 201
    body = r.json()
    assert body["role"] == "secretary" and body["district"] == "台江区" and "password" not in body
    login = await client.post("/api/v1/auth/login", json={"username": "new.user", "password": "long-enough-1"})
    assert login.status_code == 200


@pytest.mark.parametrize("role", ["secretary", "leader", "department", "entrepreneur", "service_staff"])
async def test_only_admins_create_users(factory, role):
    caller = await factory.user(role)
    before = await User.count()
    r = await caller.post(USERS, json=new_user(role="admin"))
    assert r.status_code == 403 and r.json()["code"] == "forbidden_role"
    assert await User.count() == before


async def test_duplicate_username_is_409(factory):
    admin = await factory.user("admin")
    assert (await admin.post(USERS, json=new_user())).status_code == 201
    r = await admin.post(USERS, json=new_user(role="leader"))
    assert r.status_code == 409 and r.json()["code"] == "username_taken"
    assert await User.count().where(User.username == "new.user") == 1


@pytest.mark.parametrize(
    "body,field",
    [
        (new_user(role="superuser"), "role"),
        (new_user(password="short"), "password"),
        (new_user(username="a b"), "username"),
        (new_user(username=123), "username"),
        (new_user(role="entrepreneur"), "enterprise_id"),
        (new_user(role="service_staff", service_point_id="not-an-id"), "service_point_id"),
        (new_user(role="department"), "department_id"),
        (new_user(enterprise_id="0190a000-0000-7000-8000-000000000000"), "enterprise_id"),
    ],
)
async def test_bad_user_input_is_422_and_nothing_is_created(factory, body, field):
    admin = await factory.user("admin")
    before = await User.count()
    r = await admin.post(USERS, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "validation_failed"
    assert any(e["field"] == field for e in r.json()["errors"]), r.json()
    assert await User.count() == before


async def test_linked_users(factory):
    admin = await factory.user("admin")
    enterprise = await factory.enterprise()
    point = await factory.service_point()
    department = await factory.department()
    for role, link in (
        ("entrepreneur", {"enterprise_id": enterprise.id}),
        ("service_staff", {"service_point_id": point.id}),
        ("department", {"department_id": department.id}),
    ):
        r = await admin.post(USERS, json=new_user(username=f"u-{role}", role=role, **link))
        assert r.status_code == 201, r.text
        assert {k: r.json()[k] for k in link} == link


async def test_scoped_admin_creates_users_only_in_their_district(factory):
    admin = await factory.user("admin", district="鼓楼区")
    r = await admin.post(USERS, json=new_user(district="台江区"))
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    r = await admin.post(USERS, json=new_user())
    assert r.status_code == 201 and r.json()["district"] == "鼓楼区"
    listed = (await admin.get(USERS)).json()["items"]
    assert {u["district"] for u in listed} == {"鼓楼区"}
