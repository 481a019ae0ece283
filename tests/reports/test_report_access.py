"""Who may read reports, district scoping, and bad input (422 problem+json, never a 500)."""

from __future__ import annotations

import pytest

from tests.reports.helpers import PERIOD, A, B

PATHS = ["summary", "by-district", "by-leader", "departments"]


@pytest.mark.parametrize("path", PATHS)
async def test_role_matrix(factory, client, path):
    callers = await factory.callers()
    for role, caller in callers.items():
        reply = await caller.get(f"/api/v1/reports/{path}", params=PERIOD)
        assert reply.status_code == (200 if role in ("admin", "secretary") else 403), (role, reply.text)
    assert (await client.get(f"/api/v1/reports/{path}", params=PERIOD)).status_code == 401


async def test_scoped_secretary_sees_only_their_district(factory):
    await factory.enterprise(district=A)
    await factory.enterprise(district=B)
    secretary = await factory.user("secretary", district=A)
    reply = await secretary.get("/api/v1/reports/summary", params=PERIOD)
    assert reply.status_code == 200 and reply.json()["district"] == A
    rows = (await secretary.get("/api/v1/reports/by-district", params=PERIOD)).json()["items"]
    assert [r["district"] for r in rows] == [A]
    reply = await secretary.get("/api/v1/reports/summary", params=PERIOD | {"district": B})
    assert reply.status_code == 403
    assert reply.json()["code"] == "out_of_scope"
    assert (await secretary.get("/api/v1/reports/summary", params=PERIOD | {"district": A})).status_code == 200


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({}, "date_required", "from"),
        ({"from": "2026-03-01"}, "date_required", "to"),
        ({"from": "2026-3-1", "to": "2026-03-31"}, "invalid_date", "from"),
        ({"from": "2026-03-01", "to": "2026-02-30"}, "invalid_date", "to"),
        ({"from": "yesterday", "to": "2026-03-31"}, "invalid_date", "from"),
        ({"from": "2026-04-01", "to": "2026-03-31"}, "invalid_period", "from"),
        ({"from": "2020-01-01", "to": "2026-03-31"}, "period_too_long", "to"),
        (PERIOD | {"format": "pdf"}, "invalid_format", "format"),
    ],
)
@pytest.mark.parametrize("path", PATHS)
async def test_bad_input_is_422(factory, path, params, code, field):
    admin = await factory.user("admin")
    reply = await admin.get(f"/api/v1/reports/{path}", params=params)
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    body = reply.json()
    assert body["code"] == code
    assert body["errors"][0]["field"] == field


async def test_three_years_is_allowed(factory):
    admin = await factory.user("admin")
    reply = await admin.get("/api/v1/reports/summary", params={"from": "2024-01-01", "to": "2026-12-31"})
    assert reply.status_code == 200


async def test_reports_are_in_openapi(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in PATHS:
        assert f"/api/v1/reports/{path}" in paths
    params = {p["name"] for p in paths["/api/v1/reports/summary"]["get"]["parameters"]}
    assert {"from", "to", "district", "format"} <= params
