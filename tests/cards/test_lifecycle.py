"""Issuing cards and their lifecycle through the API, role by role."""

from __future__ import annotations

import asyncio
import datetime as dt

from backend.cards import service
from backend.cards.tables import Card, CardEvent
from backend.platform import clock
from tests.cards.conftest import holder, issue

REASON = {"reason": "年度复核未通过"}


async def test_issue_gives_a_readable_number_three_years_and_history(world):
    card = world.card
    assert card["number"].startswith("GC-") and card["status"] == "active"
    assert card["services"] == ["medical", "transport"]
    valid_from = dt.datetime.fromisoformat(card["valid_from"])
    assert dt.datetime.fromisoformat(card["valid_until"]) == valid_from.replace(year=valid_from.year + 3)
    assert card["holder_name"] == "张三丰" and card["history"][0]["action"] == "issue"
    assert card["history"][0]["actor_id"] == world.admin.id


async def test_one_live_card_per_holder(world):
    reply = await world.admin.post(
        "/api/v1/cards",
        json={"holder_id": world.holder.id, "enterprise_id": world.holder.actor.enterprise_id, "services": ["legal"]},
    )
    assert reply.status_code == 409 and reply.json()["code"] == "card_exists"
    assert await Card.count() == 1


async def test_a_revoked_card_can_be_replaced(world):
    assert (await world.admin.post(f"/api/v1/cards/{world.card['id']}/revoke", json=REASON)).status_code == 200
    again = await issue(world.admin, world.holder)
    assert again["number"] != world.card["number"]


async def test_numbers_are_unique_under_concurrency(factory):
    admin = await factory.user("admin")
    holders = [await holder(factory, enterprise=f"企业并发{i}") for i in range(8)]
    cards = await asyncio.gather(*(issue(admin, h) for h in holders))
    assert len({c["number"] for c in cards}) == 8
    slots = await Card.select(Card.status_list, Card.status_idx)
    assert len({(r["status_list"], r["status_idx"]) for r in slots}) == 8


async def test_concurrent_issues_for_one_holder_give_one_card(world):
    other = await holder(world.factory, enterprise="另一家企业")
    body = {"holder_id": other.id, "enterprise_id": other.actor.enterprise_id, "services": ["legal"]}
    replies = await asyncio.gather(*(world.admin.post("/api/v1/cards", json=body) for _ in range(4)))
    assert sorted(r.status_code for r in replies) == [201, 409, 409, 409]


async def test_bad_issue_requests_are_refused(world):
    staff_holder = world.staff
    cases = [
        ({"holder_id": staff_holder.id, "enterprise_id": world.holder.actor.enterprise_id, "services": ["legal"]}, 422),
        ({"holder_id": "nope", "enterprise_id": world.holder.actor.enterprise_id, "services": ["legal"]}, 422),
        ({"holder_id": world.holder.id, "enterprise_id": world.holder.actor.enterprise_id, "services": []}, 422),
        ({"holder_id": world.holder.id, "enterprise_id": world.holder.actor.enterprise_id, "services": ["spa"]}, 422),
        (
            {
                "holder_id": world.holder.id,
                "enterprise_id": world.holder.actor.enterprise_id,
                "services": ["legal"],
                "valid_from": "2030-01-01T00:00:00+08:00",
                "valid_until": "2029-01-01T00:00:00+08:00",
            },
            422,
        ),
    ]
    for body, status in cases:
        reply = await world.admin.post("/api/v1/cards", json=body)
        assert reply.status_code == status, (body, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")
    assert await Card.count() == 1


async def test_suspend_reinstate_revoke_and_final(world):
    base = f"/api/v1/cards/{world.card['id']}"
    assert (await world.admin.post(f"{base}/suspend", json=REASON)).json()["status"] == "suspended"
    assert (await world.admin.post(f"{base}/suspend", json=REASON)).status_code == 409
    assert (await world.admin.post(f"{base}/reinstate", json={"reason": "复核通过"})).json()["status"] == "active"
    revoked = await world.admin.post(f"{base}/revoke", json={"reason": "列入严重失信名单"})
    assert revoked.json()["status"] == "revoked"
    for action in ("reinstate", "suspend", "revoke"):
        reply = await world.admin.post(f"{base}/{action}", json=REASON)
        assert reply.status_code == 409 and reply.json()["code"] == "invalid_transition"
    renew = await world.admin.post(f"{base}/renew", json={"valid_until": "2040-01-01T00:00:00+08:00"})
    assert renew.status_code == 409
    history = (await world.admin.get(base)).json()["history"]
    assert [h["action"] for h in history] == ["issue", "suspend", "reinstate", "revoke"]
    assert history[-1]["reason"] == "列入严重失信名单" and history[-1]["from_status"] == "active"


async def test_a_reason_is_required(world):
    reply = await world.admin.post(f"/api/v1/cards/{world.card['id']}/suspend", json={"reason": " "})
    assert reply.status_code == 422
    assert await CardEvent.count() == 1


async def test_renew_extends_and_expired_is_derived(world):
    base = f"/api/v1/cards/{world.card['id']}"
    clock.set_now(dt.datetime.now(dt.UTC) + dt.timedelta(days=3 * 366))
    assert (await world.admin.get(base)).json()["status"] == "expired"
    listed = (await world.admin.get("/api/v1/cards?status=expired")).json()["items"]
    assert [c["id"] for c in listed] == [world.card["id"]]
    later = (clock.now() + dt.timedelta(days=365)).isoformat()
    assert (await world.admin.post(f"{base}/renew", json={"valid_until": later})).json()["status"] == "active"
    past = (clock.now() - dt.timedelta(days=1)).isoformat()
    assert (await world.admin.post(f"{base}/renew", json={"valid_until": past})).status_code == 422


async def test_cards_expiring_for_reminders(world):
    soon = dt.datetime.fromisoformat(world.card["valid_until"]) + dt.timedelta(days=1)
    found = await service.cards_expiring(before=soon)
    assert [c.holder_id for c in found] == [world.holder.id]
    assert await service.cards_expiring(before=clock.now() + dt.timedelta(days=30)) == []


async def test_roles(world):
    callers = await world.factory.callers()
    base = f"/api/v1/cards/{world.card['id']}"
    for role, caller in callers.items():
        if role == "admin":
            continue
        for action, body in (
            ("suspend", REASON),
            ("reinstate", REASON),
            ("revoke", REASON),
            ("renew", {"valid_until": "2040-01-01T00:00:00+08:00"}),
        ):
            assert (await caller.post(f"{base}/{action}", json=body)).status_code == 403, (role, action)
        assert (await caller.post("/api/v1/cards", json={})).status_code == 403, role
        read = await caller.get(base)
        expected = {"secretary": 200, "leader": 200, "entrepreneur": 404, "department": 403, "service_staff": 403}
        assert read.status_code == expected[role], role
    assert (await world.holder.get(base)).status_code == 200
    assert (await world.holder.get("/api/v1/me/card")).json()["id"] == world.card["id"]
    assert (await world.holder.get("/api/v1/cards")).json()["items"][0]["id"] == world.card["id"]
    assert (await callers["entrepreneur"].get("/api/v1/cards")).json()["items"] == []
    assert (await callers["entrepreneur"].get("/api/v1/me/card")).status_code == 404
    assert (await callers["entrepreneur"].get(f"{base}/credential")).status_code == 404
    assert (await callers["secretary"].get(f"{base}/credential")).status_code == 403
    assert (await world.admin.get("/api/v1/cards/not-a-uuid")).status_code == 404
    assert [h["action"] for h in (await world.admin.get(base)).json()["history"]] == ["issue"]


async def test_a_district_admin_sees_only_their_district(world):
    scoped = await world.factory.user("admin", district="仓山区")
    assert (await scoped.get(f"/api/v1/cards/{world.card['id']}")).status_code == 404
    assert (await scoped.post(f"/api/v1/cards/{world.card['id']}/revoke", json=REASON)).status_code == 404
    assert (await scoped.get("/api/v1/cards")).json()["items"] == []
