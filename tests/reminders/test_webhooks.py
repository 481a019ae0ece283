"""Webhook subscriptions (validation, roles) and delivery: signing, retries, faults, leases."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from backend.platform import clock, db, outbox
from backend.platform.outbox import Event
from backend.platform.tables import OutboxEvent
from backend.reminders import delivery, webhooks
from backend.reminders.tables import WebhookDelivery, WebhookSubscription
from tests.reminders.helpers import SECRET, WEEKDAY_MORNING, Receiver, refused_url, verify

HOOKS = "/api/v1/webhooks"


def hook(url: str, events=("card.revoked",), **kw):
    return {"url": url, "events": list(events), "secret": SECRET} | kw


async def subscribe(admin, url: str, events=("card.revoked",), **kw) -> str:
    r = await admin.post(HOOKS, json=hook(url, events, **kw))
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def emit(subject_id: str = "card-1") -> int:
    """Announce a revoked card in a committed transaction, then dispatch the outbox: deliveries queued."""
    async with db.transaction():
        await outbox.emit(
            Event.CARD_REVOKED, subject_type="card", subject_id=subject_id, data={"reason": "失信"}, text="绿卡已吊销"
        )
    before = await WebhookDelivery.count()
    assert await webhooks.dispatch_outbox() == 1
    return await WebhookDelivery.count() - before


async def deliveries(admin, hook_id: str) -> list[dict]:
    r = await admin.get(f"{HOOKS}/{hook_id}/deliveries")
    assert r.status_code == 200
    return r.json()["items"]


@pytest.fixture
def fast(monkeypatch):
    # The test receivers listen on the loopback, which webhooks may target only when allowed.
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("WEBHOOK_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("WEBHOOK_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("WEBHOOK_BACKOFF_SECONDS", "30")
    clock.set_now(WEEKDAY_MORNING)


async def test_admin_subscribes_lists_reads_and_disables_a_webhook(factory):
    admin = await factory.user("admin")
    r = await admin.post(
        HOOKS, json=hook("https://robot.example.cn/send?key=abc", ["issue.overdue", "card.expiring"], format="text")
    )
    assert r.status_code == 201
    body = r.json()
    assert body["events"] == ["issue.overdue", "card.expiring"] and body["format"] == "text" and body["active"]
    assert "secret" not in body and SECRET not in r.text
    listed = (await admin.get(HOOKS)).json()
    assert [h["id"] for h in listed["items"]] == [body["id"]] and listed["next_cursor"] is None
    assert (await admin.get(f"{HOOKS}/{body['id']}")).json()["url"] == "https://robot.example.cn/send?key=abc"
    r = await admin.client.delete(f"{HOOKS}/{body['id']}", headers=admin.headers)
    assert r.status_code == 204
    assert (await admin.get(f"{HOOKS}/{body['id']}")).json()["active"] is False


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        (hook("ftp://example.com/hook"), "invalid_url", "url"),
        (hook("http://"), "invalid_url", "url"),
        (hook("example.com/hook"), "invalid_url", "url"),
        (hook("https://user:pw@example.com/hook"), "invalid_url", "url"),
        (hook("https://exa mple.com/hook"), "invalid_url", "url"),
        (hook("https://example.com:99999/hook"), "invalid_url", "url"),
        (hook("https://example.com/hook", ["issue.exploded"]), "unknown_event", "events"),
        (hook("https://example.com/hook", []), "validation_failed", "events"),
        (hook("https://example.com/hook", secret="short"), "validation_failed", "secret"),
        (hook("https://example.com/hook", format="markdown"), "validation_failed", "format"),
        ({"url": "https://example.com/hook", "events": ["card.revoked"]}, "validation_failed", None),
    ],
)
async def test_bad_subscriptions_are_refused_and_nothing_is_stored(factory, payload, code, field):
    admin = await factory.user("admin")
    r = await admin.post(HOOKS, json=payload)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code
    if field:
        assert field in {e["field"] for e in r.json()["errors"]}
    assert await WebhookSubscription.count() == 0


@pytest.mark.parametrize("role", ["secretary", "leader", "department", "entrepreneur", "service_staff"])
async def test_only_admins_manage_webhooks_or_read_the_delivery_log(factory, role):
    admin, other = await factory.user("admin"), await factory.user(role)
    hook_id = await subscribe(admin, "https://example.com/hook")
    assert (await other.post(HOOKS, json=hook("https://example.com/x"))).status_code == 403
    assert (await other.get(HOOKS)).status_code == 403
    assert (await other.get(f"{HOOKS}/{hook_id}/deliveries")).status_code == 403
    assert (await other.client.delete(f"{HOOKS}/{hook_id}", headers=other.headers)).status_code == 403
    assert (await other.client.get(HOOKS)).status_code == 401
    assert await WebhookSubscription.count() == 1


async def test_unknown_webhook_answers_404(factory):
    admin = await factory.user("admin")
    for url in (f"{HOOKS}/nope", f"{HOOKS}/00000000-0000-7000-8000-000000000000/deliveries"):
        r = await admin.get(url)
        assert r.status_code == 404 and r.json()["code"] == "webhook_not_found"


async def test_a_delivery_is_signed_timestamped_and_sent_once(factory, fast):
    admin = await factory.user("admin")
    with Receiver() as receiver:
        hook_id = await subscribe(admin, receiver.url + "/hook")
        assert await emit() == 1
        first = await delivery.deliver_due()
        again = await delivery.deliver_due()
    assert (first.delivered, again.attempted) == (1, 0)
    [request] = receiver.requests
    assert verify(request) and not verify(request, secret="another-secret-of-enough-length")
    body = json.loads(request["body"])
    assert body["event"] == "card.revoked" and body["subject"] == {"type": "card", "id": "card-1"}
    assert body["data"] == {"reason": "失信"}
    assert dt.datetime.fromisoformat(body["sent_at"]) == clock.now()
    assert request["headers"]["X-Timestamp"] == str(int(clock.now().timestamp()))
    assert request["headers"]["X-Webhook-Id"] == body["id"]
    [logged] = await deliveries(admin, hook_id)
    assert logged["id"] == body["id"] and logged["status"] == "delivered" and logged["attempts"] == 1
    assert logged["last_status_class"] == "2xx" and logged["last_error"] is None


async def test_text_format_sends_a_group_chat_robot_message(factory, fast):
    admin = await factory.user("admin")
    with Receiver() as receiver:
        await subscribe(admin, receiver.url, format="text")
        await emit()
        await delivery.deliver_due()
    [body] = receiver.bodies()
    assert body["msgtype"] == "text" and body["text"]["content"] == "绿卡已吊销"
    assert body["event"] == "card.revoked" and verify(receiver.requests[0])


async def test_a_500_is_retried_with_exponential_backoff_then_given_up(factory, fast):
    admin = await factory.user("admin")
    with Receiver("error") as receiver:
        hook_id = await subscribe(admin, receiver.url)
        await emit()
        assert (await delivery.deliver_due()).retrying == 1
        [row] = await deliveries(admin, hook_id)
        assert (
            row["status"] == "pending"
            and row["last_error"] == "receiver answered 5xx"
            and row["last_status_class"] == "5xx"
        )
        assert dt.datetime.fromisoformat(row["next_try_at"]) == clock.now() + dt.timedelta(seconds=30)
        assert (await delivery.deliver_due()).attempted == 0  # not before its time
        clock.set_now(clock.now() + dt.timedelta(seconds=30))
        assert (await delivery.deliver_due()).retrying == 1
        [row] = await deliveries(admin, hook_id)
        assert dt.datetime.fromisoformat(row["next_try_at"]) == clock.now() + dt.timedelta(seconds=60)
        clock.set_now(clock.now() + dt.timedelta(seconds=60))
        assert (await delivery.deliver_due()).failed == 1
        clock.set_now(clock.now() + dt.timedelta(days=1))
        assert (await delivery.deliver_due()).attempted == 0
    assert len(receiver.requests) == 3
    [row] = await deliveries(admin, hook_id)
    assert row["status"] == "failed" and row["attempts"] == 3 and row["next_try_at"] is None
    ids = {b["id"] for b in receiver.bodies()}
    assert len(ids) == 1  # every retry carries the same id, so receivers can drop repeats


async def test_backoff_is_capped():
    from backend.reminders import config

    cfg = config.load()
    assert delivery.backoff(1, cfg) == dt.timedelta(seconds=30)
    assert delivery.backoff(4, cfg) == dt.timedelta(seconds=240)
    assert delivery.backoff(30, cfg) == dt.timedelta(hours=1)


async def test_a_refused_connection_is_logged_and_retried(factory, fast):
    admin = await factory.user("admin")
    hook_id = await subscribe(admin, refused_url())
    await emit()
    assert (await delivery.deliver_due()).retrying == 1
    [row] = await deliveries(admin, hook_id)
    assert row["status"] == "pending" and row["last_status_class"] is None
    assert row["last_error"] == "connection failed"


async def test_a_receiver_that_times_out_is_logged_and_retried(factory, fast):
    admin = await factory.user("admin")
    with Receiver("slow", delay=1.5) as receiver:
        hook_id = await subscribe(admin, receiver.url)
        await emit()
        assert (await delivery.deliver_due()).retrying == 1
    [row] = await deliveries(admin, hook_id)
    assert row["last_error"] == "timed out" and row["attempts"] == 1


async def test_a_redirect_is_not_followed(factory, fast):
    admin = await factory.user("admin")
    with Receiver("redirect") as receiver:
        hook_id = await subscribe(admin, receiver.url + "/hook")
        await emit()
        assert (await delivery.deliver_due()).retrying == 1
    assert [r["path"] for r in receiver.requests] == ["/hook"]
    [row] = await deliveries(admin, hook_id)
    # The log says what happened, not where the receiver pointed.
    assert row["last_status_class"] == "3xx" and row["last_error"] == "redirect not followed"
    assert "moved" not in str(row) and "127.0.0.1" not in str(row)


async def test_a_crashed_processs_claim_expires_and_the_delivery_is_retried(factory, fast):
    admin = await factory.user("admin")
    with Receiver() as receiver:
        await subscribe(admin, receiver.url)
        await emit()
        # Another process claimed it, then died before recording anything.
        from backend.reminders import config

        [claimed] = await delivery._claim("dead-host:1:x", clock.now(), config.load())
        assert (await delivery.deliver_due()).attempted == 0
        clock.set_now(clock.now() + dt.timedelta(seconds=config.load().lease_seconds - 1))
        assert (await delivery.deliver_due()).attempted == 0
        clock.set_now(clock.now() + dt.timedelta(seconds=2))
        assert (await delivery.deliver_due()).delivered == 1
    assert len(receiver.requests) == 1


async def test_concurrent_delivery_passes_send_each_delivery_once(factory, fast):
    admin = await factory.user("admin")
    with Receiver() as receiver:
        await subscribe(admin, receiver.url)
        await subscribe(admin, receiver.url + "/second")
        for n in range(5):
            await emit(f"card-{n}")
        results = await asyncio.gather(*(delivery.deliver_due() for _ in range(4)))
    assert sum(r.delivered for r in results) == 10
    assert len(receiver.requests) == 10 and len({b["id"] for b in receiver.bodies()}) == 10


async def test_disabling_a_webhook_cancels_its_pending_deliveries(factory, fast):
    admin = await factory.user("admin")
    with Receiver() as receiver:
        hook_id = await subscribe(admin, receiver.url)
        await emit()
        await admin.client.delete(f"{HOOKS}/{hook_id}", headers=admin.headers)
        assert (await delivery.deliver_due()).attempted == 0
        assert await emit("card-2") == 0  # no longer subscribed
    assert receiver.requests == []
    assert [d["status"] for d in await deliveries(admin, hook_id)] == ["cancelled"]
    r = await admin.get(f"{HOOKS}/{hook_id}/deliveries", params={"status": "cancelled"})
    assert len(r.json()["items"]) == 1
    assert (await admin.get(f"{HOOKS}/{hook_id}/deliveries", params={"status": "delivered"})).json()["items"] == []
    r = await admin.get(f"{HOOKS}/{hook_id}/deliveries", params={"status": "lost"})
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"


async def test_an_event_emitted_in_a_rolled_back_transaction_is_never_delivered(factory, fast):
    admin = await factory.user("admin")
    await subscribe(admin, "https://example.com/hook")
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await outbox.emit(Event.CARD_REVOKED, subject_type="card", subject_id="c", data={})
            raise RuntimeError("the revocation failed")
    assert await OutboxEvent.count() == 0
    assert await webhooks.dispatch_outbox() == 0 and (await delivery.deliver_due()).attempted == 0
    assert await WebhookDelivery.count() == 0


async def test_an_event_is_only_recorded_inside_the_transaction_of_its_cause():
    with pytest.raises(RuntimeError, match="transaction"):
        await outbox.emit(Event.CARD_REVOKED, subject_type="card", subject_id="c", data={})
    assert await OutboxEvent.count() == 0


async def test_a_card_revoked_through_the_api_is_delivered_once(factory, fast):
    admin = await factory.user("admin")
    holder = await factory.user("entrepreneur")
    with Receiver() as receiver:
        await subscribe(admin, receiver.url)
        issued = await admin.post(
            "/api/v1/cards",
            json={
                "holder_id": holder.id,
                "enterprise_id": holder.actor.enterprise_id,
                "services": ["medical"],
            },
        )
        assert issued.status_code == 201, issued.text
        card = issued.json()
        revoked = await admin.post(f"/api/v1/cards/{card['id']}/revoke", json={"reason": "列入严重失信名单"})
        assert revoked.status_code == 200, revoked.text
        first, again = await delivery.deliver_due(), await delivery.deliver_due()
    assert (first.delivered, again.attempted) == (1, 0)
    [body] = receiver.bodies()
    assert body["event"] == "card.revoked" and body["subject"] == {"type": "card", "id": card["id"]}
    assert body["data"]["number"] == card["number"] and body["data"]["reason"] == "列入严重失信名单"
    assert await OutboxEvent.count().where(OutboxEvent.dispatched_at.is_null()) == 0


async def test_a_refused_revocation_announces_nothing(factory, fast):
    admin = await factory.user("admin")
    holder = await factory.user("entrepreneur")
    await subscribe(admin, "https://example.com/hook")
    card = (
        await admin.post(
            "/api/v1/cards",
            json={"holder_id": holder.id, "enterprise_id": holder.actor.enterprise_id, "services": ["medical"]},
        )
    ).json()
    assert (await admin.post(f"/api/v1/cards/{card['id']}/revoke", json={"reason": "失信"})).status_code == 200
    again = await admin.post(f"/api/v1/cards/{card['id']}/revoke", json={"reason": "再次"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert await OutboxEvent.count() == 1


async def test_concurrent_outbox_dispatches_queue_each_event_once(factory, fast):
    admin = await factory.user("admin")
    await subscribe(admin, "https://example.com/hook")
    await subscribe(admin, "https://example.com/second")
    for n in range(6):
        async with db.transaction():
            await outbox.emit(Event.CARD_REVOKED, subject_type="card", subject_id=f"card-{n}", data={})
    counts = await asyncio.gather(*(webhooks.dispatch_outbox() for _ in range(4)))
    assert sum(counts) == 6
    rows = await WebhookDelivery.select(WebhookDelivery.webhook_id, WebhookDelivery.subject_id)
    assert len(rows) == 12 and len({(r["webhook_id"], r["subject_id"]) for r in rows}) == 12
    assert await webhooks.dispatch_outbox() == 0


async def test_subscribers_are_those_of_the_moment_the_event_is_dispatched(factory, fast):
    admin = await factory.user("admin")
    async with db.transaction():
        await outbox.emit(Event.CARD_REVOKED, subject_type="card", subject_id="early", data={})
    hook_id = await subscribe(admin, "https://example.com/hook")
    assert await webhooks.dispatch_outbox() == 1
    assert [d["subject_id"] for d in await deliveries(admin, hook_id)] == ["early"]
