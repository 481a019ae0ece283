"""The issue's "done when" for visits: a leader logs a visit with photos and issues from a flaky
phone (every request sent twice) and ends up with exactly one of each."""

from __future__ import annotations

import datetime as dt

from backend.issues.tables import Issue
from backend.platform import clock
from backend.visits.tables import Visit, VisitPhoto
from tests.visits.helpers import HERE, assigned, count
from tests.visits.test_photos import heic, jpeg_with_gps_and_rotation, upload


async def test_flaky_phone_logs_one_visit_with_its_issues_and_photos(factory):
    clock.set_now(dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC))
    setup = await assigned(factory)
    dept = await factory.department()
    body = {
        "enterprise_id": setup.enterprise.id,
        "visited_at": "2026-06-10T15:00:00+08:00",
        "latitude": HERE[0],
        "longitude": HERE[1],
        "summary": "调研企业扩产计划",
        "attendees": ["王董事长"],
        "financing_coordinated": "5000000.00",
        "hires_helped": 30,
        "issues": [
            {
                "title": "用地指标",
                "description": "扩产需新增用地",
                "category": "要素保障",
                "disposition": "assigned",
                "department_id": dept.id,
            },
            {"title": "政策咨询", "description": "高企认定", "category": "政策", "disposition": "on_spot"},
        ],
    }
    visit = None
    for _ in range(2):
        reply = await setup.leader.post("/api/v1/visits", json=body, headers={"Idempotency-Key": "v-1"})
        assert reply.status_code == 201
        visit = visit or reply.json()
        assert reply.json() == visit
    url = f"/api/v1/visits/{visit['id']}/photos"
    for key, data in (("p-1", jpeg_with_gps_and_rotation()), ("p-2", heic())):
        replies = [await setup.leader.post(url, headers={"Idempotency-Key": key}, **upload(data)) for _ in range(2)]
        assert [r.status_code for r in replies] == [201, 201] and replies[0].json() == replies[1].json()
    assert (await count(Visit), await count(Issue), await count(VisitPhoto)) == (1, 2, 2)
    seen = (await setup.admin.get(f"/api/v1/visits/{visit['id']}")).json()
    assert len(seen["photos"]) == 2 and len(seen["issues"]) == 2
    assert seen["financing_coordinated"] == "5000000.00" and seen["far_from_enterprise"] is False
