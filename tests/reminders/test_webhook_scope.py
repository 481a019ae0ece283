"""Webhook subscriptions and the manual sweep are city-wide: a subscription receives every
district's events and a sweep reminds the whole city, so a district-scoped admin may neither
read nor change them (403 `city_wide_only`, nothing written)."""

from __future__ import annotations

from backend.platform import clock
from backend.reminders.tables import Notification, SentReminder, WebhookDelivery, WebhookSubscription
from tests.reminders import world as reminder_world
from tests.reminders.helpers import SECRET

HOOKS = "/api/v1/webhooks"
URL = "https://robot.example.cn/send?key=abc"


async def test_a_district_admin_neither_reads_nor_changes_city_wide_webhooks(factory):
    city_admin = await factory.user("admin")
    district_admin = await factory.user("admin", district="鼓楼区")
    made = await city_admin.post(HOOKS, json={"url": URL, "events": ["issue.overdue"], "secret": SECRET})
    assert made.status_code == 201, made.text
    hook = made.json()["id"]
    refused = [
        await district_admin.post(HOOKS, json={"url": URL, "events": ["card.revoked"], "secret": SECRET}),
        await district_admin.get(HOOKS),
        await district_admin.get(f"{HOOKS}/{hook}"),
        await district_admin.get(f"{HOOKS}/{hook}/deliveries"),
        await district_admin.client.delete(f"{HOOKS}/{hook}", headers=district_admin.headers),
    ]
    assert [(r.status_code, r.json()["code"]) for r in refused] == [(403, "city_wide_only")] * 5
    assert await WebhookSubscription.count() == 1
    assert (await city_admin.get(f"{HOOKS}/{hook}")).json()["active"] is True


async def test_a_district_admin_cannot_run_the_city_wide_sweep(factory):
    world = await reminder_world.build(factory)
    clock.set_now(reminder_world.WORLD_NOW)
    district_admin = await factory.user("admin", district="鼓楼区")
    r = await district_admin.post("/api/v1/admin/reminders/run")
    assert r.status_code == 403 and r.json()["code"] == "city_wide_only"
    assert (await SentReminder.count(), await Notification.count(), await WebhookDelivery.count()) == (0, 0, 0)
    r = await world.admin.post("/api/v1/admin/reminders/run")
    assert r.status_code == 200 and r.json()["sweep"]["sent"], r.text
