"""The outbox: a domain announces what happened, in the transaction that made it happen.

A lower domain never calls a higher one. When cards revokes a card it records `Event.CARD_REVOKED`
here, in its own transaction, and returns; the event exists exactly when the revocation committed.
A consumer above (reminders: `webhooks.dispatch_outbox`, run before every delivery pass) later
claims each undispatched event once and turns it into its own work (signed webhook deliveries to
the subscribers of that event at the time of dispatch).

Adding an event: one `Event` member, one `emit` call where it happens.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import msgspec

from backend.platform import clock, db
from backend.platform.ids import new_id
from backend.platform.tables import OutboxEvent


class Event(enum.StrEnum):
    """Every event a subscriber may ask for (webhook `events`, and each notification's `event`)."""

    ISSUE_DUE_SOON = "issue.due_soon"
    ISSUE_OVERDUE = "issue.overdue"
    ISSUE_ESCALATED = "issue.escalated"
    VISIT_OVERDUE = "visit.overdue"
    CARD_EXPIRING = "card.expiring"
    CARD_REVOKED = "card.revoked"
    CHAMBER_PLAN_BEHIND = "chamber_plan.behind"
    ISSUES_DIGEST = "issues.digest"


async def emit(
    event: Event, *, subject_type: str, subject_id: str, data: dict[str, Any] | None = None, text: str = ""
) -> uuid.UUID:
    """Record `event` in the CALLER's transaction (there must be one); its id.

    `text` is the message people read (group-chat robots), in Simplified Chinese.
    """
    if db.engine().current_transaction.get() is None:
        raise RuntimeError("outbox.emit needs the transaction of the change it announces")
    event_id = new_id()
    await OutboxEvent.insert(
        OutboxEvent(
            id=event_id,
            event=Event(event).value,
            subject_type=subject_type,
            subject_id=subject_id,
            payload=msgspec.json.encode({"data": data or {}, "text": text}).decode(),
            created_at=clock.now(),
        )
    )
    return event_id


async def purge(*, before: dt.datetime) -> int:
    """Delete events dispatched before `before` (undispatched ones stay, whatever their age)."""
    return await db.delete_in_batches(OutboxEvent, OutboxEvent.dispatched_at < before)
