"""Dates near year 1 or 9999, cards valid for ever, cursors of the wrong shape: 422, nothing written."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

from backend.cards.tables import Card
from backend.platform import clock
from tests.bad_input.helpers import problem, row_counts
from tests.cards.conftest import holder, issue
from tests.issues.helpers import issue_input
from tests.visits.helpers import assigned

NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)
EDGES = ("0001-01-01", "0001-01-02", "1999-12-31", "2100-01-01", "9999-12-30", "9999-12-31")


def cursor(values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


async def test_dates_out_of_range_in_list_filters_and_reports_are_422(factory):
    admin = await factory.user("admin")
    await issue(admin, await holder(factory))
    for day in EDGES:
        for url, params, field in (
            ("/api/v1/visits", {"from": day}, "from"),
            ("/api/v1/visits", {"to": day}, "to"),
            ("/api/v1/reports/summary", {"from": day, "to": day}, "from"),
            ("/api/v1/reports/by-district", {"from": "2026-01-01", "to": day}, "to"),
            ("/api/v1/redemptions", {"from": day}, "from"),
            ("/api/v1/redemptions", {"to": day}, "to"),
            ("/api/v1/redemptions", {"to": f"{day}T23:59:59+00:00"}, "to"),
            ("/api/v1/redemptions", {"from": f"{day}T00:00:00+14:00"}, "from"),
        ):
            body = problem(await admin.get(url, params=params), 422, "date_out_of_range", field)
            assert "2000-01-01" in body["detail"] and "2099-12-31" in body["detail"]
    for first, last in (("2000-01-01", "2000-01-31"), ("2099-12-01", "2099-12-31")):
        assert (await admin.get("/api/v1/visits", params={"from": first, "to": last})).status_code == 200
        assert (await admin.get("/api/v1/redemptions", params={"from": first, "to": last})).status_code == 200
        assert (await admin.get("/api/v1/reports/summary", params={"from": first, "to": last})).status_code == 200


async def test_timestamps_out_of_range_in_bodies_are_422_and_write_nothing(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    department = await factory.department()
    before = await row_counts()
    for stamp in (
        "0001-01-01T00:00:00+08:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59-12:00",
        "9999-12-31T23:59:59Z",
        "1999-12-31T23:59:59+00:00",
        "2100-01-01T00:00:00+08:00",
    ):
        visit = {"enterprise_id": setup.enterprise.id, "visited_at": stamp, "summary": "走访"}
        problem(await setup.leader.post("/api/v1/visits", json=visit), 422, "date_out_of_range", "visited_at")
        bad_issue = issue_input(setup.enterprise.id, disposition="assigned", department_id=department.id, due_at=stamp)
        del bad_issue["enterprise_id"]
        visit = {
            "enterprise_id": setup.enterprise.id,
            "visited_at": "2026-06-10T15:30:00+08:00",
            "summary": "走访",
            "issues": [bad_issue],
        }
        problem(await setup.leader.post("/api/v1/visits", json=visit), 422, "date_out_of_range", "issues[0].due_at")
        for key in ("due_at", "reported_at"):
            body = issue_input(setup.enterprise.id, disposition="assigned", department_id=department.id) | {key: stamp}
            problem(await setup.admin.post("/api/v1/issues", json=body), 422, "date_out_of_range", key)
    assert await row_counts() == before


async def test_a_card_is_valid_for_at_most_ten_years_and_every_card_image_renders(factory):
    clock.set_now(NOW)
    admin = await factory.user("admin")
    owner = await holder(factory)
    before = await row_counts()
    for until, code in (
        ("9999-12-31T23:59:59+00:00", "date_out_of_range"),
        ("2036-06-11T08:00:00+00:00", "validity_too_long"),
    ):
        body = {
            "holder_id": owner.id,
            "enterprise_id": owner.actor.enterprise_id,
            "services": ["medical"],
            "valid_until": until,
        }
        problem(await admin.post("/api/v1/cards", json=body), 422, code, "valid_until")
    assert await row_counts() == before
    card = await issue(admin, owner)
    base = f"/api/v1/cards/{card['id']}"
    before = await row_counts()
    for until, code in (
        ("9999-12-31T23:59:59+00:00", "date_out_of_range"),
        ("9999-12-31T23:59:59-12:00", "date_out_of_range"),
        ("2036-06-10T08:00:01+00:00", "validity_too_long"),
    ):
        problem(await admin.post(f"{base}/renew", json={"valid_until": until}), 422, code, "valid_until")
    assert await row_counts() == before
    assert (await Card.select(Card.valid_until).where(Card.id == uuid.UUID(card["id"])).first())[
        "valid_until"
    ] == dt.datetime.fromisoformat(card["valid_until"])
    renewed = await admin.post(f"{base}/renew", json={"valid_until": "2036-06-10T08:00:00+00:00"})
    assert renewed.status_code == 200, renewed.text
    for image in ("card.png", "qr.png"):
        reply = await admin.get(f"{base}/{image}")
        assert reply.status_code == 200 and reply.content.startswith(b"\x89PNG")


async def test_cursors_of_the_wrong_shape_are_422(factory):
    clock.set_now(NOW)
    setup = await assigned(factory)
    secretary = await factory.user("secretary")
    some_id = str(uuid.uuid4())
    wrong = [
        [1, 2],
        [{"a": 1}, some_id],
        [["x"], some_id],
        [None, None],
        ["2026-06-10T00:00:00", some_id],
        ["0001-01-01T00:00:00+00:00", some_id],
        ["9999-12-31T23:59:59+00:00", some_id],
        ["2026-06-10T00:00:00+00:00"],
        ["2026-06-10T00:00:00+00:00", some_id, 3],
        {"at": 1},
        "text",
        7,
        [],
        ["2026-06-10T00:00:00+00:00", 5],
        [True, some_id],
    ]
    for values in wrong:
        for caller, url in (
            (setup.admin, "/api/v1/visits"),
            (secretary, "/api/v1/review-queue"),
            (setup.admin, "/api/v1/cards"),
            (setup.admin, "/api/v1/enterprises"),
        ):
            problem(await caller.get(url, params={"cursor": cursor(values)}), 422, "validation_failed", "cursor")
    for raw in ("%%%", "bm90IGpzb24", cursor("x" * 300)[:400]):
        problem(await setup.admin.get("/api/v1/visits", params={"cursor": raw}), 422, "validation_failed", "cursor")
    # What the server hands out still works.
    for _ in range(3):
        reply = await setup.leader.post(
            "/api/v1/visits",
            json={"enterprise_id": setup.enterprise.id, "visited_at": "2026-06-10T15:30:00+08:00", "summary": "走访"},
        )
        assert reply.status_code == 201, reply.text
    first = (await setup.admin.get("/api/v1/visits", params={"limit": 2})).json()
    rest = (await setup.admin.get("/api/v1/visits", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
