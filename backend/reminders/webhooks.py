"""Webhook subscriptions (admin) and the deliveries they are fed from.

A delivery row is written in the same transaction as the change it reports, so an event is
delivered if and only if its cause committed: a sent reminder enqueues its deliveries in the
sweep's transaction; another domain's event (a revoked card) is recorded in the platform outbox
(`platform.outbox.emit`) by its own transaction, and `dispatch_outbox` turns it into deliveries
(to the subscribers of that moment) in one transaction that also marks it dispatched. The
delivery job (delivery.py) sends them later, outside any transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec

from backend.platform import clock, db
from backend.platform.actor import Actor
from backend.platform.errors import NotFound, ValidationFailed
from backend.platform.ids import new_id, parse_id
from backend.platform.outbox import Event
from backend.platform.pagination import page_by_id
from backend.platform.tables import OutboxEvent
from backend.reminders import schemas as s
from backend.reminders import targets
from backend.reminders.tables import WebhookDelivery, WebhookSubscription

KNOWN_EVENTS = frozenset(e.value for e in Event)
_HOST = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")
_DELIVERY_COLUMNS = (
    WebhookDelivery.id,
    WebhookDelivery.webhook_id,
    WebhookDelivery.event,
    WebhookDelivery.subject_type,
    WebhookDelivery.subject_id,
    WebhookDelivery.status,
    WebhookDelivery.attempts,
    WebhookDelivery.next_try_at,
    WebhookDelivery.last_status_code,
    WebhookDelivery.last_error,
    WebhookDelivery.created_at,
    WebhookDelivery.delivered_at,
)


def validate_url(url: str) -> str:
    """An absolute http(s) URL with a host and no credentials in it."""
    if url != url.strip() or any(c.isspace() for c in url):
        raise ValidationFailed("The URL must not contain spaces.", field="url", code="invalid_url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValidationFailed("The URL is not valid.", field="url", code="invalid_url") from None
    if parts.scheme not in ("http", "https"):
        raise ValidationFailed("The URL must start with http:// or https://.", field="url", code="invalid_url")
    if not parts.hostname or not _HOST.match(parts.hostname):
        raise ValidationFailed("The URL needs a host name.", field="url", code="invalid_url")
    if parts.username or parts.password:
        raise ValidationFailed(
            "Put no credentials in the URL; the secret signs each delivery.", field="url", code="invalid_url"
        )
    return url


def validate_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in KNOWN_EVENTS]
    if unknown:
        raise ValidationFailed(
            f"Unknown event(s): {', '.join(unknown)}. Known: {', '.join(sorted(KNOWN_EVENTS))}.",
            field="events",
            code="unknown_event",
        )
    return list(dict.fromkeys(events))


def _read(row: dict[str, Any]) -> s.WebhookRead:
    return s.WebhookRead(
        id=str(row["id"]),
        url=row["url"],
        events=msgspec.json.decode(row["events"]),
        format=s.WebhookFormat(row["format"]),
        description=row["description"],
        active=row["active"],
        created_at=row["created_at"],
        disabled_at=row["disabled_at"],
    )


async def create(*, data: s.WebhookCreate, actor: Actor) -> s.WebhookRead:
    """Subscribe a URL to events; the secret signs every delivery (never shown again)."""
    url = validate_url(data.url)
    try:
        await targets.check_new(url)
    except targets.TargetRefused as refused:
        raise ValidationFailed(
            f"Webhooks may not target this host: {refused.reason}. An operator may allow intranet "
            "receivers with WEBHOOK_ALLOWED_HOSTS.",
            field="url",
            code="webhook_target_forbidden",
        ) from None
    try:
        httpx.URL(url)  # what the delivery client will parse
    except httpx.InvalidURL:
        raise ValidationFailed("The URL is not valid.", field="url", code="invalid_url") from None
    row = WebhookSubscription(
        id=new_id(),
        url=url,
        events=msgspec.json.encode(validate_events(data.events)).decode(),
        secret=data.secret,
        format=data.format.value,
        description=data.description,
        active=True,
        created_by=parse_id(actor.id),
        created_at=clock.now(),
    )
    await row.save()
    return await get(webhook_id=str(row.id))


async def get(*, webhook_id: str) -> s.WebhookRead:
    value = parse_id(webhook_id)
    row = value and await WebhookSubscription.select().where(WebhookSubscription.id == value).first()
    if not row:
        raise NotFound("No such webhook.", code="webhook_not_found")
    return _read(row)


async def list_all(*, active: bool | None, limit: int, cursor: str | None) -> tuple[list[s.WebhookRead], str | None]:
    query = WebhookSubscription.select()
    if active is not None:
        query = query.where(WebhookSubscription.active == active)
    rows, next_cursor = await page_by_id(query, WebhookSubscription.id, limit=limit, cursor=cursor)
    return [_read(r) for r in rows], next_cursor


async def disable(*, webhook_id: str) -> s.WebhookRead:
    """Stop a subscription; its pending deliveries are cancelled, its log is kept."""
    current = await get(webhook_id=webhook_id)
    if current.active:
        now = clock.now()
        wid = uuid.UUID(current.id)
        await WebhookSubscription.update(
            {WebhookSubscription.active: False, WebhookSubscription.disabled_at: now}
        ).where(WebhookSubscription.id == wid)
        await WebhookDelivery.update({WebhookDelivery.status: "cancelled", WebhookDelivery.next_try_at: None}).where(
            (WebhookDelivery.webhook_id == wid) & (WebhookDelivery.status == "pending")
        )
    return await get(webhook_id=webhook_id)


async def list_deliveries(
    *, webhook_id: str, status: s.DeliveryStatus | None, limit: int, cursor: str | None
) -> tuple[list[s.DeliveryRead], str | None]:
    """The delivery log of one subscription, newest first."""
    hook = await get(webhook_id=webhook_id)
    query = WebhookDelivery.select(*_DELIVERY_COLUMNS).where(WebhookDelivery.webhook_id == uuid.UUID(hook.id))
    if status:
        query = query.where(WebhookDelivery.status == status.value)
    rows, next_cursor = await page_by_id(query, WebhookDelivery.id, limit=limit, cursor=cursor, newest_first=True)
    return [_delivery(r) for r in rows], next_cursor


def _delivery(row: dict[str, Any]) -> s.DeliveryRead:
    fields = {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in row.items()}
    fields["last_status_class"] = s.status_class(fields.pop("last_status_code"))
    return s.DeliveryRead(**fields)


async def enqueue(
    *, event: str, subject_type: str, subject_id: str, data: dict[str, Any], text: str, now: dt.datetime | None = None
) -> int:
    """Write one outbox row per active subscription to `event`, in the caller's transaction."""
    if event not in KNOWN_EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    now = now or clock.now()
    hooks = await WebhookSubscription.select(WebhookSubscription.id, WebhookSubscription.events).where(
        WebhookSubscription.active == True  # noqa: E712
    )
    targets = [h["id"] for h in hooks if event in msgspec.json.decode(h["events"])]
    if not targets:
        return 0
    payload = msgspec.json.encode({"data": data, "text": text}).decode()
    await WebhookDelivery.insert(
        *(
            WebhookDelivery(
                id=new_id(),
                webhook_id=hook_id,
                event=event,
                subject_type=subject_type,
                subject_id=subject_id,
                payload=payload,
                status="pending",
                attempts=0,
                next_try_at=now,
                created_at=now,
            )
            for hook_id in targets
        )
    )
    return len(targets)


OUTBOX_BATCH = 100


async def dispatch_outbox(*, now: dt.datetime | None = None, batch: int = OUTBOX_BATCH) -> int:
    """Turn undispatched outbox events (oldest first, up to `batch`) into deliveries; how many events.

    One transaction: the events are claimed by a compare-and-set on `dispatched_at` (on PostgreSQL
    also locked, skipping rows a concurrent pass holds), and each claimed event's deliveries are
    enqueued with it, so an event is dispatched exactly once, by whoever claimed it.
    """
    now = now or clock.now()
    if not await OutboxEvent.exists().where(OutboxEvent.dispatched_at.is_null()):
        return 0  # the common case, without taking SQLite's write lock
    async with db.transaction():
        query = (
            OutboxEvent.select(OutboxEvent.id)
            .where(OutboxEvent.dispatched_at.is_null())
            .order_by(OutboxEvent.created_at)
            .order_by(OutboxEvent.id)
            .limit(batch)
        )
        if not db.is_sqlite():
            query = query.lock_rows("UPDATE", skip_locked=True, of=(OutboxEvent,))
        ids = [r["id"] for r in await query]
        if not ids:
            return 0
        claimed = {
            r["id"]
            for r in await OutboxEvent.update({OutboxEvent.dispatched_at: now})
            .where(OutboxEvent.id.is_in(ids) & OutboxEvent.dispatched_at.is_null())
            .returning(OutboxEvent.id)
        }
        if not claimed:
            return 0
        events = await OutboxEvent.select().where(OutboxEvent.id.is_in(list(claimed))).order_by(OutboxEvent.created_at)
        for event in events:
            payload = msgspec.json.decode(event["payload"])
            await enqueue(
                event=event["event"],
                subject_type=event["subject_type"],
                subject_id=event["subject_id"],
                data=payload.get("data", {}),
                text=payload.get("text", ""),
                now=now,
            )
    return len(events)
