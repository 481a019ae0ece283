"""What other domains and the routes call: emit an event, run the reminder sweep now."""

from __future__ import annotations

from typing import Any

from backend.platform import clock
from backend.reminders import delivery, webhooks
from backend.reminders import schemas as s
from backend.reminders.sweep import sweep


async def emit(
    event: str, *, subject_type: str, subject_id: str, data: dict[str, Any] | None = None, text: str = ""
) -> int:
    """Queue a signed webhook delivery of `event` to every subscriber, in the CALLER's transaction.

    Call it inside the transaction that makes the change (e.g. revoking a card), so the event
    is delivered exactly when the change commits. Returns how many deliveries were queued.
    `text` is the message group-chat robots show (Simplified Chinese).
    """
    return await webhooks.enqueue(
        event=event, subject_type=subject_type, subject_id=subject_id, data=data or {}, text=text
    )


async def run_now() -> s.RunResult:
    """One sweep, then one pass over the webhook outbox (what POST /admin/reminders/run does)."""
    now = clock.now()
    swept = await sweep(now=now)
    sent = await delivery.deliver_due(now=now)
    return s.RunResult(sweep=swept, webhooks=sent)
