"""Tables of the reminders domain: sent reminders (the exactly-once ledger), inboxes, webhooks."""

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from backend.orgs.tables import User


class SentReminder(Table, tablename="sent_reminders"):
    """One row per reminder ever sent; UNIQUE (rule, subject_id, occasion) makes it exactly once.

    The row is inserted in the same transaction as the reminder's notifications and outbox rows,
    so a reminder is either wholly sent or not at all, by whichever process claims it first.
    """

    id = UUID(primary_key=True)
    rule = Varchar(length=40)
    subject_id = Varchar(length=64)
    occasion = Varchar(length=64)
    event = Varchar(length=40)
    recipients = Integer(default=0)
    deliveries = Integer(default=0)
    sent_at = Timestamptz(index=True)


class Notification(Table, tablename="notifications"):
    """An item in one user's inbox."""

    id = UUID(primary_key=True)
    user_id = ForeignKey(User, null=False, index=True)
    rule = Varchar(length=40)
    event = Varchar(length=40)
    subject_type = Varchar(length=30)
    subject_id = Varchar(length=64)
    title = Varchar(length=200)
    body = Text(default="")
    data = Text(default="{}")
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)


class WebhookSubscription(Table, tablename="webhooks"):
    """A receiver of signed event deliveries."""

    id = UUID(primary_key=True)
    url = Varchar(length=2000)
    events = Text(default="[]")  # JSON list of event names
    secret = Varchar(length=256, secret=True)
    format = Varchar(length=10, default="json")
    description = Varchar(length=200, default="")
    active = Boolean(default=True, index=True)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()
    disabled_at = Timestamptz(null=True, default=None)


class WebhookDelivery(Table, tablename="webhook_deliveries"):
    """The durable outbox and delivery log: one row per (event occurrence, subscription).

    `claimed_by`/`claimed_until` is a lease: a process that crashes mid-delivery leaves a claim
    that expires, and another process retries it.
    """

    id = UUID(primary_key=True)
    webhook_id = ForeignKey(WebhookSubscription, null=False, index=True)
    event = Varchar(length=40)
    subject_type = Varchar(length=30)
    subject_id = Varchar(length=64)
    payload = Text(default="{}")  # {"data": {...}, "text": "..."}
    status = Varchar(length=12, default="pending", index=True)
    attempts = Integer(default=0)
    next_try_at = Timestamptz(null=True, default=None, index=True)  # null once finished
    claimed_by = Varchar(length=64, null=True, default=None)
    claimed_until = Timestamptz(null=True, default=None)
    last_status_code = Integer(null=True, default=None)
    last_error = Varchar(length=500, null=True, default=None)
    created_at = Timestamptz()
    delivered_at = Timestamptz(null=True, default=None)
