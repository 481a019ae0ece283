"""Sending the outbox: claim due deliveries with a lease, POST them signed, record the outcome.

No database transaction is open during an HTTP call: a short transaction claims a batch
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, plus a compare-and-set on the lease that also holds on
SQLite), the requests run, and one short transaction per delivery records its result. A process
that dies mid-batch leaves leases that expire (`claimed_until`), so the work is retried.
Redirects are not followed (a receiver that moved must be re-subscribed; following a redirect
would send the signed body somewhere nobody subscribed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import os
import socket
import uuid
from typing import Any

import httpx
import msgspec
import structlog

from backend.platform import clock, db, metrics
from backend.reminders import config, targets, webhooks
from backend.reminders import schemas as s
from backend.reminders.tables import WebhookDelivery, WebhookSubscription

log = structlog.get_logger("backend.reminders.delivery")
USER_AGENT = "greencard-webhooks/1"


def sign(secret: str, body: bytes) -> str:
    """The X-Signature value: `sha256=` + hex HMAC-SHA256 of the raw body with the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def render(delivery: dict[str, Any], fmt: str, sent_at: dt.datetime) -> bytes:
    """The request body: the event document (and, for robots, a text message in front)."""
    payload = msgspec.json.decode(delivery["payload"])
    doc: dict[str, Any] = {
        "id": str(delivery["id"]),
        "event": delivery["event"],
        "sent_at": sent_at.isoformat(),
        "subject": {"type": delivery["subject_type"], "id": delivery["subject_id"]},
        "data": payload.get("data", {}),
    }
    if fmt == s.WebhookFormat.TEXT:
        content = payload.get("text") or f"[{delivery['event']}] {delivery['subject_type']} {delivery['subject_id']}"
        doc = {"msgtype": "text", "text": {"content": content}} | doc
    return msgspec.json.encode(doc)


def backoff(attempts: int, cfg: config.ReminderConfig) -> dt.timedelta:
    """Delay before the next try after `attempts` failures: doubling from the base, capped."""
    seconds = cfg.webhook_backoff_seconds * (2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=min(seconds, cfg.webhook_backoff_cap_seconds))


def _due(now: dt.datetime) -> Any:
    return (
        (WebhookDelivery.status == "pending")
        & (WebhookDelivery.next_try_at <= now)
        & (WebhookDelivery.claimed_until.is_null() | (WebhookDelivery.claimed_until < now))
    )


async def _claim(token: str, now: dt.datetime, cfg: config.ReminderConfig) -> list[dict[str, Any]]:
    async with db.transaction():
        query = (
            WebhookDelivery.select(WebhookDelivery.id)
            .where(_due(now))
            .order_by(WebhookDelivery.next_try_at)
            .limit(cfg.webhook_batch)
        )
        if not db.is_sqlite():
            query = query.lock_rows("UPDATE", skip_locked=True, of=(WebhookDelivery,))
        ids = [r["id"] for r in await query]
        if not ids:
            return []
        # Compare-and-set: the lease is taken only where nobody holds it (re-checked per row).
        await WebhookDelivery.update(
            {
                WebhookDelivery.claimed_by: token,
                WebhookDelivery.claimed_until: now + dt.timedelta(seconds=cfg.lease_seconds),
            }
        ).where(WebhookDelivery.id.is_in(ids) & _due(now))
    return await WebhookDelivery.select(
        *WebhookDelivery.all_columns(),
        WebhookDelivery.webhook_id.url.as_alias("url"),
        WebhookDelivery.webhook_id.secret.as_alias("secret"),
        WebhookDelivery.webhook_id.format.as_alias("format"),
    ).where(WebhookDelivery.claimed_by == token)


async def _send(client: httpx.AsyncClient, delivery: dict[str, Any]) -> tuple[int | None, str | None]:
    """POST one delivery; (status code, short reason) where the reason is None on a 2xx.

    The reason is what the admin reads in the delivery log, so it says what kind of failure it
    was and nothing more (no internal addresses, redirect targets or error texts); the JSON log
    line carries the details for the operator.
    """
    try:
        target = await targets.pin(delivery["url"])
    except targets.TargetRefused as refused:
        log.warning("webhook_target_refused", delivery_id=str(delivery["id"]), reason=refused.reason)
        return None, refused.reason
    sent_at = clock.now()
    body = render(delivery, delivery["format"], sent_at)
    headers = {
        **target.headers,
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Signature": sign(delivery["secret"], body),
        "X-Timestamp": str(int(sent_at.timestamp())),
        "X-Webhook-Id": str(delivery["id"]),
        "X-Webhook-Event": delivery["event"],
    }
    try:
        response = await client.post(target.url, content=body, headers=headers, extensions=target.extensions)
    except httpx.TimeoutException:
        return None, "timed out"
    except (httpx.HTTPError, OSError, ValueError) as exc:
        log.warning(
            "webhook_request_failed", delivery_id=str(delivery["id"]), error=f"{type(exc).__name__}: {exc}"[:500]
        )
        return None, "connection failed" if isinstance(exc, (httpx.ConnectError, OSError)) else "request failed"
    if 200 <= response.status_code < 300:
        return response.status_code, None
    if 300 <= response.status_code < 400:
        log.warning(
            "webhook_redirect_not_followed",
            delivery_id=str(delivery["id"]),
            status_code=response.status_code,
            location=response.headers.get("location", "")[:500],
        )
        return response.status_code, "redirect not followed"
    return response.status_code, f"receiver answered {s.status_class(response.status_code)}"


async def _record(
    delivery: dict[str, Any], token: str, status: int | None, error: str | None, cfg: config.ReminderConfig
) -> str:
    now = clock.now()
    attempts = delivery["attempts"] + 1
    changes: dict[Any, Any] = {
        WebhookDelivery.attempts: attempts,
        WebhookDelivery.last_status_code: status,
        WebhookDelivery.last_error: error,
        WebhookDelivery.claimed_by: None,
        WebhookDelivery.claimed_until: None,
    }
    if error is None:
        outcome = "delivered"
        changes |= {
            WebhookDelivery.status: "delivered",
            WebhookDelivery.delivered_at: now,
            WebhookDelivery.next_try_at: None,
        }
    elif attempts >= cfg.webhook_max_attempts:
        outcome = "failed"
        changes |= {WebhookDelivery.status: "failed", WebhookDelivery.next_try_at: None}
    else:
        outcome = "retrying"
        changes[WebhookDelivery.next_try_at] = now + backoff(attempts, cfg)
    async with db.transaction():
        await WebhookDelivery.update(changes).where(
            (WebhookDelivery.id == delivery["id"]) & (WebhookDelivery.claimed_by == token)
        )
    log.info(
        "webhook_attempt",
        delivery_id=str(delivery["id"]),
        webhook_event=delivery["event"],
        outcome=outcome,
        status_code=status,
        error=error,
        attempts=attempts,
    )
    metrics.delivery(outcome)
    return outcome


async def deliver_due(*, now: dt.datetime | None = None) -> s.DeliveryRunResult:
    """One pass: dispatch the platform outbox's new events, then send every due delivery once
    (a job; also run by the admin run)."""
    cfg = config.load()
    await webhooks.dispatch_outbox(now=now)
    token = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    claimed = await _claim(token, now or clock.now(), cfg)
    result = s.DeliveryRunResult(attempted=len(claimed))
    if not claimed:
        return result
    limit = asyncio.Semaphore(cfg.webhook_concurrency)
    timeout = httpx.Timeout(cfg.webhook_timeout_seconds)

    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:

        async def one(delivery: dict[str, Any]) -> str:
            async with limit:
                status, error = await _send(client, delivery)
            return await _record(delivery, token, status, error, cfg)

        outcomes = await asyncio.gather(*(one(d) for d in claimed), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            log.error("webhook_record_failed", error=repr(outcome))
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


async def pending_count() -> int:
    return await WebhookDelivery.count().where(WebhookDelivery.status == "pending")


async def active_subscriptions() -> list[dict[str, Any]]:
    return await WebhookSubscription.select().where(WebhookSubscription.active == True)  # noqa: E712
