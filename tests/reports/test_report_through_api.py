"""Figures for data made the way users make it: a visit with its issues through the API, the
department working one, the owner's feedback, a card issued, all counted by hand."""

from __future__ import annotations

import datetime as dt

from backend.platform import clock, dates
from tests.visits.helpers import assigned

SH = dates.SHANGHAI


async def test_a_visit_worked_through_the_api(factory):
    clock.set_now(dt.datetime(2026, 6, 1, 10, tzinfo=SH))  # a Monday
    setup = await assigned(factory)
    department = await factory.department("市住建局")
    staff = await factory.user("department", department_id=department.id)
    secretary = await factory.user("secretary")
    owner = await factory.user("entrepreneur", enterprise_id=setup.enterprise.id)
    visit = await setup.leader.post(
        "/api/v1/visits",
        json={
            "enterprise_id": setup.enterprise.id,
            "visited_at": "2026-06-01T09:00:00+08:00",
            "summary": "走访",
            "financing_coordinated": "1234.56",
            "hires_helped": 7,
            "issues": [
                {"title": "现场答复", "description": "", "category": "政策", "disposition": "on_spot"},
                {
                    "title": "用地",
                    "description": "",
                    "category": "用地",
                    "disposition": "assigned",
                    "department_id": department.id,
                    "due_at": "2026-06-10T18:00:00+08:00",
                },
                {"title": "举报", "description": "", "category": "其他", "disposition": "transferred"},
            ],
        },
    )
    assert visit.status_code == 201, visit.text
    assigned_issue = next(i for i in visit.json()["issues"] if i["disposition"] == "assigned")
    clock.set_now(dt.datetime(2026, 6, 2, 9, tzinfo=SH))  # acted on the next working day
    for action, note in (("start", None), ("resolve", "已协调办结")):
        reply = await staff.post(
            f"/api/v1/issues/{assigned_issue['id']}/transitions", json={"action": action, "note": note}
        )
        assert reply.status_code == 200, reply.text
    reply = await owner.post(f"/api/v1/issues/{assigned_issue['id']}/feedback", json={"satisfied": True})
    assert reply.status_code == 200, reply.text
    admin = setup.admin
    card = await admin.post(
        "/api/v1/cards",
        json={"holder_id": owner.id, "enterprise_id": setup.enterprise.id, "services": ["medical", "legal"]},
    )
    assert card.status_code == 201, card.text

    clock.set_now(dt.datetime(2026, 6, 20, 12, tzinfo=SH))
    params = {"from": "2026-06-01", "to": "2026-06-30"}
    body = (await secretary.get("/api/v1/reports/summary", params=params)).json()
    assert (body["visits"], body["enterprises_visited"], body["financing_coordinated"], body["hires_helped"]) == (
        1,
        1,
        "1234.56",
        7,
    )
    assert body["issues"] == {
        "received": 3,
        "on_spot": 1,
        "assigned": 1,
        "transferred": 1,
        "redirected": 0,
        "resolved": 2,
        "open": 0,
        "overdue": 0,
        "on_time_rate": 1.0,
        "satisfaction_rate": 1.0,
    }
    assert body["cards"] == {"issued": 1, "active": 1, "suspended": 0, "revoked": 0, "expired": 0}
    league = (await secretary.get("/api/v1/reports/departments", params=params)).json()["items"]
    assert league[0] | {"department_id": None} == {
        "rank": 1,
        "department_id": None,
        "name": "市住建局",
        "issues_assigned": 1,
        "issues_resolved": 1,
        "issues_open": 0,
        "issues_overdue": 0,
        "response_rate": 1.0,
        "on_time_rate": 1.0,
        "satisfaction_rate": 1.0,
    }
    leaders = (await secretary.get("/api/v1/reports/by-leader", params=params)).json()["items"]
    mine = next(r for r in leaders if r["leader_id"] == setup.leader.id)
    assert (mine["visits"], mine["issues_raised"], mine["issues_solved"]) == (1, 3, 2)


async def test_visits_count_on_their_shanghai_day_with_exact_money(factory):
    """A visit at 23:30 Shanghai time counts on that day (not the next UTC one); money adds up to
    the fen; a district with no visits reads "0.00"."""
    clock.set_now(dt.datetime(2026, 6, 10, 16, tzinfo=SH))
    setup = await assigned(factory)
    for financing, hires, at in (("100.10", 3, "2026-06-10T10:00:00+08:00"), ("0.95", 2, "2026-06-09T23:30:00+08:00")):
        reply = await setup.leader.post(
            "/api/v1/visits",
            json={
                "enterprise_id": setup.enterprise.id,
                "visited_at": at,
                "summary": "走访",
                "financing_coordinated": financing,
                "hires_helped": hires,
            },
        )
        assert reply.status_code == 201, reply.text

    async def summary(first: str, last: str, **more) -> dict:
        reply = await setup.admin.get("/api/v1/reports/summary", params={"from": first, "to": last} | more)
        assert reply.status_code == 200, reply.text
        return reply.json()

    both = await summary("2026-06-09", "2026-06-10")
    assert (both["visits"], both["enterprises_visited"], both["financing_coordinated"], both["hires_helped"]) == (
        2,
        1,
        "101.05",
        5,
    )
    assert (await summary("2026-06-09", "2026-06-09"))["financing_coordinated"] == "0.95"
    assert (await summary("2026-06-10", "2026-06-10"))["visits"] == 1
    empty = await summary("2026-06-01", "2026-06-10", district="台江区")
    assert (empty["visits"], empty["financing_coordinated"]) == (0, "0.00")
