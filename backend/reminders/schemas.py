"""Request and response shapes of the reminders domain, and the Reminder a rule yields."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

import msgspec

from backend.platform.outbox import Event
from backend.platform.schemas import Input


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first or next try
    DELIVERED = "delivered"  # a 2xx answer
    FAILED = "failed"  # gave up after the last attempt
    CANCELLED = "cancelled"  # its subscription was disabled first


class WebhookFormat(enum.StrEnum):
    JSON = "json"  # the full event document
    TEXT = "text"  # a group-chat robot message: {"msgtype": "text", "text": {"content": ...}} plus the event fields


class Reminder(msgspec.Struct, frozen=True):
    """What a rule yields: one reminder, sent once per (rule, subject_id, occasion)."""

    rule: str
    subject_id: str
    occasion: str
    recipients: tuple[str, ...]  # user ids
    event: Event
    payload: dict[str, Any]  # the webhook `data`, also stored on each notification
    subject_type: str
    title: str  # notification title, Simplified Chinese
    body: str = ""
    urgent: bool = False  # urgent reminders go out at any hour; others wait for working hours


class SentItem(msgspec.Struct):
    rule: str
    event: str
    subject_id: str
    occasion: str
    recipients: int
    deliveries: int


class SweepResult(msgspec.Struct):
    """What one sweep sent, and what it left for later."""

    ran_at: dt.datetime
    working_hours: bool
    sent: list[SentItem]
    deferred: int  # non-urgent reminders due outside working hours, left for the first sweep in them
    failed_rules: list[str]


class DeliveryRunResult(msgspec.Struct):
    attempted: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


class RunResult(msgspec.Struct):
    """Reply of POST /admin/reminders/run: the sweep, then one pass over the webhook outbox."""

    sweep: SweepResult
    webhooks: DeliveryRunResult


class NotificationRead(msgspec.Struct):
    id: str
    rule: str
    event: str
    subject_type: str
    subject_id: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: dt.datetime
    read_at: dt.datetime | None
    read: bool


class NotificationPage(msgspec.Struct):
    items: list[NotificationRead]
    next_cursor: str | None
    unread_count: int


class ReadAllResult(msgspec.Struct):
    marked_read: int
    unread_count: int


Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Secret = Annotated[str, msgspec.Meta(min_length=16, max_length=256)]


class WebhookCreate(Input):
    url: Url
    events: Annotated[list[str], msgspec.Meta(min_length=1, max_length=20)]
    secret: Secret
    format: WebhookFormat = WebhookFormat.JSON
    description: Annotated[str, msgspec.Meta(max_length=200)] = ""


class WebhookRead(msgspec.Struct):
    """A subscription; the secret is never echoed back."""

    id: str
    url: str
    events: list[str]
    format: WebhookFormat
    description: str
    active: bool
    created_at: dt.datetime
    disabled_at: dt.datetime | None


def status_class(status: int | None) -> str | None:
    """What the delivery log shows of a receiver's answer: its class ("2xx" ... "5xx")."""
    return f"{status // 100}xx" if status is not None else None


class DeliveryRead(msgspec.Struct):
    """One delivery in the log: the receiver's last answer only as a status class and a short reason."""

    id: str
    webhook_id: str
    event: str
    subject_type: str
    subject_id: str
    status: DeliveryStatus
    attempts: int
    next_try_at: dt.datetime | None
    last_status_class: str | None  # "2xx" .. "5xx"; null when no answer came (refused, timed out)
    last_error: str | None  # short reason: "receiver answered 5xx", "timed out", "address not allowed ..."
    created_at: dt.datetime
    delivered_at: dt.datetime | None
