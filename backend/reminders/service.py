"""What the routes and the CLI call: run the reminder sweep (and the webhook outbox) now."""

from __future__ import annotations

from backend.platform import clock
from backend.reminders import delivery
from backend.reminders import schemas as s
from backend.reminders.sweep import sweep


async def run_now() -> s.RunResult:
    """One sweep, then one pass over the webhook outbox (what POST /admin/reminders/run does)."""
    now = clock.now()
    swept = await sweep(now=now)
    sent = await delivery.deliver_due(now=now)
    return s.RunResult(sweep=swept, webhooks=sent)
