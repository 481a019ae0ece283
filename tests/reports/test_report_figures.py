"""Every figure of the summary and of each breakdown, against the hand-counted March data set."""

from __future__ import annotations

import pytest

from tests.reports.helpers import PERIOD, A, B, march

EMPTY_SERVICES = {"education": 0, "medical": 0, "tourism": 0, "transport": 0, "legal": 0, "government": 0}

CITY = {
    "period": {"from": "2026-03-01", "to": "2026-03-31"},
    "district": None,
    "enterprises_visited": 2,
    "visits": 5,
    "issues": {
        "received": 8,
        "on_spot": 1,
        "assigned": 4,
        "transferred": 1,
        "redirected": 1,
        "resolved": 3,
        "open": 3,
        "overdue": 1,
        "on_time_rate": 0.5,
        "satisfaction_rate": 0.5,
    },
    "financing_coordinated": "12800001.04",
    "hires_helped": 12,
    "cards": {"issued": 2, "active": 1, "suspended": 1, "revoked": 1, "expired": 2},
    "redemptions": {"total": 3, "by_service": EMPTY_SERVICES | {"medical": 2, "education": 1}},
    "chambers": {"planned_visits": 7, "completed_visits": 1},
}
DISTRICT_A = CITY | {
    "district": A,
    "enterprises_visited": 1,
    "visits": 2,
    "issues": {
        "received": 5,
        "on_spot": 1,
        "assigned": 3,
        "transferred": 0,
        "redirected": 0,
        "resolved": 3,
        "open": 2,
        "overdue": 1,
        "on_time_rate": 0.5,
        "satisfaction_rate": 0.5,
    },
    "financing_coordinated": "12800000.05",
    "hires_helped": 12,
    "cards": {"issued": 1, "active": 1, "suspended": 1, "revoked": 0, "expired": 1},
    "redemptions": {"total": 2, "by_service": EMPTY_SERVICES | {"medical": 2}},
    "chambers": {"planned_visits": 3, "completed_visits": 0},
}
ROW_A = {
    "district": A,
    "enterprises_visited": 1,
    "visits": 2,
    "financing_coordinated": "12800000.05",
    "hires_helped": 12,
    "issues_received": 5,
    "issues_resolved": 3,
    "issues_open": 2,
    "issues_overdue": 1,
    "on_time_rate": 0.5,
    "satisfaction_rate": 0.5,
    "cards_issued": 1,
    "cards_active": 1,
    "redemptions": 2,
}
ROW_B = {
    "district": B,
    "enterprises_visited": 1,
    "visits": 3,
    "financing_coordinated": "0.99",
    "hires_helped": 0,
    "issues_received": 3,
    "issues_resolved": 0,
    "issues_open": 1,
    "issues_overdue": 0,
    "on_time_rate": 0.0,
    "satisfaction_rate": 0.0,
    "cards_issued": 1,
    "cards_active": 0,
    "redemptions": 1,
}


@pytest.fixture
async def data(factory):
    data = await march(factory)
    data.callers["admin"] = await factory.user("admin")
    return data


async def test_summary_city(data):
    reply = await data.callers["admin"].get("/api/v1/reports/summary", params=PERIOD)
    assert reply.status_code == 200, reply.text
    assert reply.json() == CITY


async def test_summary_one_district(data):
    reply = await data.callers["admin"].get("/api/v1/reports/summary", params=PERIOD | {"district": A})
    assert reply.json() == DISTRICT_A


async def test_summary_of_an_empty_period_is_all_zero(data):
    reply = await data.callers["admin"].get(
        "/api/v1/reports/summary", params={"from": "2020-01-01", "to": "2020-12-31"}
    )
    body = reply.json()
    assert body["visits"] == body["issues"]["received"] == body["redemptions"]["total"] == 0
    assert body["financing_coordinated"] == "0.00"
    assert body["issues"]["on_time_rate"] == 0.0
    # Card statuses are as of now, whatever the period.
    assert body["cards"] == {"issued": 0, "active": 1, "suspended": 1, "revoked": 1, "expired": 2}


async def test_by_district(data):
    reply = await data.callers["admin"].get("/api/v1/reports/by-district", params=PERIOD)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["period"] == CITY["period"]
    assert sorted(body["items"], key=lambda r: r["district"]) == sorted([ROW_A, ROW_B], key=lambda r: r["district"])
    reply = await data.callers["admin"].get("/api/v1/reports/by-district", params=PERIOD | {"district": B})
    assert reply.json()["items"] == [ROW_B]


async def test_by_leader(data):
    reply = await data.callers["admin"].get("/api/v1/reports/by-leader", params=PERIOD)
    assert reply.status_code == 200, reply.text
    assert reply.json()["items"] == [
        {
            "leader_id": data["l1"],
            "name": "张书记",
            "district": A,
            "visits": 3,
            "enterprises_visited": 1,
            "issues_raised": 3,
            "issues_solved": 3,
            "financing_coordinated": "12800000.05",
            "hires_helped": 12,
        },
        {
            "leader_id": data["l2"],
            "name": "李市长",
            "district": None,
            "visits": 2,
            "enterprises_visited": 1,
            "issues_raised": 1,
            "issues_solved": 0,
            "financing_coordinated": "0.99",
            "hires_helped": 0,
        },
        {
            "leader_id": data["l3"],
            "name": "王区长",
            "district": B,
            "visits": 0,
            "enterprises_visited": 0,
            "issues_raised": 0,
            "issues_solved": 0,
            "financing_coordinated": "0.00",
            "hires_helped": 0,
        },
    ]
    reply = await data.callers["admin"].get("/api/v1/reports/by-leader", params=PERIOD | {"district": A})
    assert [(r["name"], r["visits"], r["issues_raised"]) for r in reply.json()["items"]] == [("张书记", 2, 3)]


async def test_department_league(data):
    reply = await data.callers["admin"].get("/api/v1/reports/departments", params=PERIOD)
    assert reply.status_code == 200, reply.text
    assert reply.json()["items"] == [
        {
            "rank": 1,
            "department_id": data["d1"],
            "name": "住建局",
            "issues_assigned": 2,
            "issues_resolved": 2,
            "issues_open": 0,
            "issues_overdue": 0,
            "response_rate": 0.5,
            "on_time_rate": 0.5,
            "satisfaction_rate": 0.0,
        },
        {
            "rank": 2,
            "department_id": data["d2"],
            "name": "市场监管局",
            "issues_assigned": 2,
            "issues_resolved": 0,
            "issues_open": 2,
            "issues_overdue": 1,
            "response_rate": 0.5,
            "on_time_rate": 0.0,
            "satisfaction_rate": 0.0,
        },
        {
            "rank": 3,
            "department_id": data["d3"],
            "name": "自然资源局",
            "issues_assigned": 0,
            "issues_resolved": 0,
            "issues_open": 0,
            "issues_overdue": 0,
            "response_rate": 0.0,
            "on_time_rate": 0.0,
            "satisfaction_rate": 0.0,
        },
    ]


async def test_department_response_window_not_yet_passed_is_not_counted(data, factory):
    from backend.platform import clock
    from tests.reports.helpers import sh

    # On 1 April (a working day) the issue assigned on 31 March may still be answered today.
    clock.set_now(sh(4, 1, 9))
    reply = await data.callers["admin"].get("/api/v1/reports/departments", params=PERIOD)
    d2 = next(r for r in reply.json()["items"] if r["name"] == "市场监管局")
    assert d2["response_rate"] == 1.0
