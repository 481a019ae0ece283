"""Enterprises, departments, service points and chambers: validation, scoping, pagination."""

from __future__ import annotations

import pytest

from backend.orgs.tables import Chamber, Department, Enterprise, ServicePoint
from tests.factories import credit_code

ENTERPRISES = "/api/v1/enterprises"
VALID = "91350100M000100Y43"


def enterprise(**kw):
    return {"name": "福州某某科技有限公司", "credit_code": VALID, "district": "鼓楼区", "industry": "软件"} | kw


async def test_admin_registers_and_reads_an_enterprise(factory):
    admin = await factory.user("admin")
    r = await admin.post(ENTERPRISES, json=enterprise(latitude=26.08, longitude=119.3))
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["credit_code"] == VALID and created["latitude"] == 26.08
    got = await admin.get(f"{ENTERPRISES}/{created['id']}")
    assert got.status_code == 200 and got.json() == created


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # bad check digit
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "91350100m000100y43",  # lower case
        "９1350100M000100Y43",  # a full-width digit
        "91350100M000100Ｙ43",  # a full-width letter
        "91350100M0001 0Y43",
        "",
    ],
)
async def test_invalid_credit_codes_are_422_and_nothing_is_stored(factory, code):
    admin = await factory.user("admin")
    r = await admin.post(ENTERPRISES, json=enterprise(credit_code=code))
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "validation_failed"
    assert r.json()["errors"][0]["field"] == "credit_code"
    assert await Enterprise.count() == 0


async def test_duplicate_credit_code_is_409(factory):
    admin = await factory.user("admin")
    assert (await admin.post(ENTERPRISES, json=enterprise())).status_code == 201
    r = await admin.post(ENTERPRISES, json=enterprise(name="另一家"))
    assert r.status_code == 409 and r.json()["code"] == "duplicate_credit_code"
    assert await Enterprise.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        enterprise(latitude=91, longitude=0),
        enterprise(latitude=26.0),
        enterprise(name=""),
        enterprise(name="   "),
        enterprise(district=None),
        enterprise(latitude="north", longitude=1),
        {"name": "x"},
    ],
)
async def test_bad_enterprise_input_is_422(factory, body):
    admin = await factory.user("admin")
    r = await admin.post(ENTERPRISES, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["errors"]
    assert await Enterprise.count() == 0


async def test_patch_updates_only_given_fields(factory):
    admin = await factory.user("admin")
    created = (await admin.post(ENTERPRISES, json=enterprise())).json()
    r = await admin.patch(
        f"{ENTERPRISES}/{created['id']}", json={"address": "五四路 1 号", "latitude": 26.1, "longitude": 119.3}
    )
    assert r.status_code == 200
    assert r.json()["address"] == "五四路 1 号" and r.json()["name"] == created["name"]
    bad = await admin.patch(f"{ENTERPRISES}/{created['id']}", json={"credit_code": "91350100M000100Y44"})
    assert bad.status_code == 422
    other = (await admin.post(ENTERPRISES, json=enterprise(credit_code=credit_code(999)))).json()
    dup = await admin.patch(f"{ENTERPRISES}/{other['id']}", json={"credit_code": VALID})
    assert dup.status_code == 409
    assert (await admin.get(f"{ENTERPRISES}/{other['id']}")).json()["credit_code"] == credit_code(999)


async def test_cross_district_reads_are_hidden(factory):
    gulou = await factory.enterprise(district="鼓楼区")
    taijiang = await factory.enterprise(district="台江区")
    for role in ("admin", "secretary", "leader", "department"):
        scoped = await factory.user(role, district="鼓楼区")
        assert (await scoped.get(f"{ENTERPRISES}/{gulou.id}")).status_code == 200
        r = await scoped.get(f"{ENTERPRISES}/{taijiang.id}")
        assert r.status_code == 404 and r.json()["code"] == "enterprise_not_found"
        items = (await scoped.get(ENTERPRISES)).json()["items"]
        assert [e["id"] for e in items] == [gulou.id]
    scoped_admin = await factory.user("admin", district="鼓楼区")
    r = await scoped_admin.patch(f"{ENTERPRISES}/{taijiang.id}", json={"name": "改名"})
    assert r.status_code == 404
    r = await scoped_admin.post(ENTERPRISES, json=enterprise(district="台江区"))
    assert r.status_code == 403


async def test_entrepreneur_sees_only_their_enterprise_and_service_staff_none(factory):
    owner = await factory.user("entrepreneur")
    other = await factory.enterprise()
    assert (await owner.get(f"{ENTERPRISES}/{owner.actor.enterprise_id}")).status_code == 200
    assert (await owner.get(f"{ENTERPRISES}/{other.id}")).status_code == 404
    assert [e["id"] for e in (await owner.get(ENTERPRISES)).json()["items"]] == [owner.actor.enterprise_id]
    staff = await factory.user("service_staff")
    assert (await staff.get(ENTERPRISES)).status_code == 403
    assert (await staff.get(f"{ENTERPRISES}/{other.id}")).status_code == 403


async def test_unknown_and_malformed_ids_are_404(factory):
    admin = await factory.user("admin")
    for raw in ("0190a000-0000-7000-8000-000000000000", "not-a-uuid", "1"):
        r = await admin.get(f"{ENTERPRISES}/{raw}")
        assert r.status_code == 404 and r.json()["code"] == "enterprise_not_found"


async def test_cursor_pagination_walks_every_row_once_with_filters(factory):
    admin = await factory.user("admin")
    made = [await factory.enterprise(district="鼓楼区" if i % 2 else "台江区", industry="制造") for i in range(7)]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "district": "鼓楼区"} | ({"cursor": cursor} if cursor else {})
        body = (await admin.get(ENTERPRISES, params=params)).json()
        seen += [e["id"] for e in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [e.id for e in made if e.district == "鼓楼区"]
    for params in ({"limit": 0}, {"limit": 201}, {"limit": "x"}, {"cursor": "!!!"}, {"cursor": "WyJ4Il0"}):
        r = await admin.get(ENTERPRISES, params=params)
        assert r.status_code in (400, 422) and r.headers["content-type"].startswith("application/problem+json")


async def test_search_by_name(factory):
    admin = await factory.user("admin")
    await factory.enterprise(name="闽江电子")
    await factory.enterprise(name="榕城食品")
    items = (await admin.get(ENTERPRISES, params={"q": "电子"})).json()["items"]
    assert [e["name"] for e in items] == ["闽江电子"]


# -- departments, service points, chambers ------------------------------------------------------


async def test_departments(factory):
    admin = await factory.user("admin")
    r = await admin.post("/api/v1/departments", json={"name": "市发改委"})
    assert r.status_code == 201
    assert (await admin.post("/api/v1/departments", json={"name": "市发改委"})).status_code == 409
    assert (await admin.post("/api/v1/departments", json={"name": ""})).status_code == 422
    assert await Department.count() == 1
    for role, status in (
        ("secretary", 200),
        ("leader", 200),
        ("department", 200),
        ("entrepreneur", 403),
        ("service_staff", 403),
    ):
        caller = await factory.user(role)
        assert (await caller.get("/api/v1/departments")).status_code == status
        assert (await caller.post("/api/v1/departments", json={"name": f"x{role}"})).status_code == 403


async def test_service_points(factory):
    admin = await factory.user("admin")
    r = await admin.post(
        "/api/v1/service-points",
        json={"name": "省立医院", "service": "medical", "district": "鼓楼区", "address": "东街"},
    )
    assert r.status_code == 201 and r.json()["service"] == "medical"
    bad = await admin.post("/api/v1/service-points", json={"name": "x", "service": "spa", "district": "鼓楼区"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "service"
    assert await ServicePoint.count() == 1
    await factory.service_point(service="tourism", district="台江区")
    medical = (await admin.get("/api/v1/service-points", params={"service": "medical"})).json()["items"]
    assert [p["name"] for p in medical] == ["省立医院"]
    staff = await factory.user("service_staff")
    mine = (await staff.get("/api/v1/service-points")).json()["items"]
    assert [p["id"] for p in mine] == [staff.actor.service_point_id]
    holder = await factory.user("entrepreneur", district="台江区")
    assert len((await holder.get("/api/v1/service-points")).json()["items"]) == 3
    assert (
        await holder.post("/api/v1/service-points", json={"name": "x", "service": "legal", "district": "鼓楼区"})
    ).status_code == 403


async def test_chambers(factory):
    admin = await factory.user("admin")
    r = await admin.post("/api/v1/chambers", json={"name": "福州市工商联", "district": "鼓楼区"})
    assert r.status_code == 201
    await factory.chamber(district="台江区")
    scoped = await factory.user("leader", district="台江区")
    assert [c["district"] for c in (await scoped.get("/api/v1/chambers")).json()["items"]] == ["台江区"]
    assert (await scoped.get(f"/api/v1/chambers/{r.json()['id']}")).status_code == 404
    for role in ("department", "entrepreneur", "service_staff"):
        caller = await factory.user(role)
        assert (await caller.get("/api/v1/chambers")).status_code == 403
    assert (await scoped.post("/api/v1/chambers", json={"name": "x", "district": "台江区"})).status_code == 403
    assert await Chamber.count() == 2
