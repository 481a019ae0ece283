"""Two real server processes on one PostgreSQL database, both running the scheduler, and the
admin's "run now" fired at both at once: every reminder reaches each recipient once, and each
subscription gets one signed delivery per reminder.

The servers' clocks are frozen at the test's moment through GREENCARD_FAKE_NOW (test only).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter

import httpx
import pytest

from backend.platform import clock, db
from backend.reminders.tables import Notification, SentReminder, WebhookDelivery
from tests.reminders import world as w
from tests.reminders.helpers import Receiver, verify
from tests.reminders.test_webhooks import subscribe
from tests.servers import Server

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)


async def settle(expected_deliveries: int, receiver: Receiver, deadline: float) -> None:
    """Until every reminder was claimed and the outbox is drained (or the deadline passes)."""
    while time.monotonic() < deadline:
        pending = await WebhookDelivery.count().where(WebhookDelivery.status == "pending")
        if pending == 0 and len(receiver.requests) >= expected_deliveries:
            return
        await asyncio.sleep(0.2)


async def test_two_servers_with_schedulers_send_each_reminder_once(factory, monkeypatch):
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")  # the receiver is on the loopback
    world = await w.build(factory)
    expected = w.expected(world)
    with Receiver() as receiver:
        await subscribe(
            world.admin,
            receiver.url + "/hook",
            [
                "issue.due_soon",
                "issue.overdue",
                "issue.escalated",
                "visit.overdue",
                "card.expiring",
                "chamber_plan.behind",
                "issues.digest",
            ],
        )
        env = os.environ | {
            "REMINDER_INTERVAL_SECONDS": "1",
            "GREENCARD_FAKE_NOW": clock.now().isoformat(),
            "WEBHOOK_TIMEOUT_SECONDS": "5",
            "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
        servers = [Server(env), Server(env)]
        try:
            deadline = time.monotonic() + 90
            await asyncio.gather(*(s.ready(deadline) for s in servers))
            headers = world.admin.headers
            async with httpx.AsyncClient(timeout=30) as client:
                replies = await asyncio.gather(
                    *(
                        client.post(s.url + "/api/v1/admin/reminders/run", headers=headers)
                        for s in servers
                        for _ in range(3)
                    )
                )
                assert all(r.status_code == 200 for r in replies), [r.text for r in replies]
                await settle(len(expected), receiver, time.monotonic() + 60)
                # More runs, by hand and by the timetable: nothing new.
                await asyncio.gather(
                    *(client.post(s.url + "/api/v1/admin/reminders/run", headers=headers) for s in servers)
                )
        finally:
            for server in servers:
                server.stop()

    rows = await Notification.select(Notification.rule, Notification.subject_id, Notification.user_id)
    got = Counter((r["rule"], r["subject_id"], str(r["user_id"])) for r in rows)
    want = Counter((rule, subject, user) for (rule, subject), users in expected.items() for user in users)
    assert got == want
    assert await SentReminder.count() == len(expected)
    by_reply = sum(len(r.json()["sweep"]["sent"]) for r in replies)
    assert by_reply <= len(expected)  # the rest went out by the schedulers

    bodies = receiver.bodies()
    assert len(bodies) == len(expected) == len({b["id"] for b in bodies})
    assert all(verify(request) for request in receiver.requests)
    assert Counter(b["data"]["rule"] for b in bodies) == Counter(rule for rule, _ in expected)
    assert await WebhookDelivery.count().where(WebhookDelivery.status == "delivered") == len(expected)
    assert db.is_sqlite() is False
