"""A district-scoped admin's writes stay in their district: accounts bound to another district's
org, city-level departments and their staff are refused (403 `out_of_scope`, nothing written)."""

from __future__ import annotations

import pytest

from backend.orgs.tables import Department, User

USERS = "/api/v1/users"
DEPARTMENTS = "/api/v1/departments"
HOME, AWAY = "鼓楼区", "台江区"


def account(role: str, **kw) -> dict:
    return {"username": kw.pop("username", f"new.{role}"), "password": "long-enough-1", "role": role} | kw


async def test_scoped_admin_cannot_bind_an_owner_to_another_districts_enterprise(client, factory):
    """The attack: an owner account for a foreign enterprise would read its visits and issues and
    reopen its issues through feedback. It is refused, and the account never exists."""
    admin = await factory.user("admin", district=HOME)
    foreign = await factory.enterprise(district=AWAY)
    before = await User.count()
    for extra in ({}, {"district": HOME}):
        r = await admin.post(USERS, json=account("entrepreneur", enterprise_id=foreign.id, **extra))
        assert r.status_code == 403 and r.json()["code"] == "out_of_scope", r.text
    assert await User.count() == before
    login = await client.post("/api/v1/auth/login", json={"username": "new.entrepreneur", "password": "long-enough-1"})
    assert login.status_code == 401


async def test_scoped_admin_creates_an_owner_of_their_own_district(factory):
    admin = await factory.user("admin", district=HOME)
    own = await factory.enterprise(district=HOME)
    r = await admin.post(USERS, json=account("entrepreneur", enterprise_id=own.id))
    assert r.status_code == 201, r.text
    assert r.json()["district"] == HOME and r.json()["enterprise_id"] == own.id


@pytest.mark.parametrize("where", ["city", AWAY])
async def test_scoped_admin_cannot_create_staff_of_a_department_outside_their_district(factory, where):
    """A city-level department's staff see its issues in every district: only a city-wide admin
    creates them. Another district's department is out of scope as well."""
    admin = await factory.user("admin", district=HOME)
    department = await factory.department(district=None if where == "city" else where)
    before = await User.count()
    r = await admin.post(USERS, json=account("department", department_id=department.id))
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope", r.text
    assert await User.count() == before


async def test_scoped_admin_cannot_create_service_staff_elsewhere(factory):
    admin = await factory.user("admin", district=HOME)
    point = await factory.service_point(district=AWAY)
    before = await User.count()
    r = await admin.post(USERS, json=account("service_staff", service_point_id=point.id))
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    assert await User.count() == before


async def test_department_staff_take_their_departments_district(factory):
    city_admin = await factory.user("admin")
    scoped_admin = await factory.user("admin", district=HOME)
    district_department = await factory.department(district=HOME)
    city_department = await factory.department()
    r = await scoped_admin.post(
        USERS, json=account("department", username="d.home", department_id=district_department.id)
    )
    assert r.status_code == 201 and r.json()["district"] == HOME, r.text
    r = await city_admin.post(USERS, json=account("department", username="d.city", department_id=city_department.id))
    assert r.status_code == 201 and r.json()["district"] is None, r.text


async def test_a_linked_account_cannot_claim_another_district_than_its_org(factory):
    """An owner, service staff or department user belongs to their org's district (one source)."""
    admin = await factory.user("admin")
    enterprise = await factory.enterprise(district=HOME)
    before = await User.count()
    r = await admin.post(USERS, json=account("entrepreneur", enterprise_id=enterprise.id, district=AWAY))
    assert r.status_code == 422 and r.json()["code"] == "district_mismatch"
    assert any(e["field"] == "district" for e in r.json()["errors"])
    assert await User.count() == before
    r = await admin.post(USERS, json=account("entrepreneur", enterprise_id=enterprise.id))
    assert r.status_code == 201 and r.json()["district"] == HOME


async def test_departments_of_a_district_and_city_level_ones(factory):
    city_admin = await factory.user("admin")
    scoped_admin = await factory.user("admin", district=HOME)
    r = await city_admin.post(DEPARTMENTS, json={"name": "市住建局"})
    assert r.status_code == 201 and r.json()["district"] is None
    r = await scoped_admin.post(DEPARTMENTS, json={"name": "鼓楼区住建局"})
    assert r.status_code == 201 and r.json()["district"] == HOME
    r = await city_admin.post(DEPARTMENTS, json={"name": "台江区住建局", "district": AWAY})
    assert r.status_code == 201 and r.json()["district"] == AWAY
    before = await Department.count()
    for body in ({"name": "台江区商务局", "district": AWAY}, {"name": "市商务局", "district": None}):
        r = await scoped_admin.post(DEPARTMENTS, json=body)
        assert r.status_code == 403 and r.json()["code"] == "out_of_scope", body
    assert await Department.count() == before


async def test_scoped_staff_see_city_level_departments_and_their_districts(factory):
    city = await factory.department(name="市税务局")
    home = await factory.department(name="鼓楼区税务局", district=HOME)
    away = await factory.department(name="台江区税务局", district=AWAY)
    secretary = await factory.user("secretary", district=HOME)
    listed = (await secretary.get(DEPARTMENTS)).json()["items"]
    assert {d["name"] for d in listed} == {"市税务局", "鼓楼区税务局"}
    assert (await secretary.get(f"{DEPARTMENTS}/{away.id}")).status_code == 404
    assert (await secretary.get(f"{DEPARTMENTS}/{home.id}")).json()["district"] == HOME
    city_admin = await factory.user("admin")
    assert len((await city_admin.get(DEPARTMENTS)).json()["items"]) == 3
    only_away = (await city_admin.get(DEPARTMENTS, params={"district": AWAY})).json()["items"]
    assert [d["id"] for d in only_away] == [away.id]
    assert city.district is None


@pytest.mark.parametrize("district", ["", "   ", 7, "区" * 51])
async def test_a_bad_department_district_is_422_and_nothing_is_created(factory, district):
    admin = await factory.user("admin")
    r = await admin.post(DEPARTMENTS, json={"name": "市审批局", "district": district})
    assert r.status_code == 422 and r.json()["code"] == "validation_failed", r.text
    assert any(e["field"] == "district" for e in r.json()["errors"]), r.json()
    assert await Department.count() == 0
