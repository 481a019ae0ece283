"""Tables the platform owns: the outbox of domain events, and the Idempotency-Key ledger."""

from piccolo.columns import UUID, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class OutboxEvent(Table, tablename="outbox_events"):
    """Something a domain announced (a card revoked), recorded in the transaction that did it.

    A consumer (reminders: webhooks) dispatches each event once, setting `dispatched_at`.
    """

    id = UUID(primary_key=True)
    event = Varchar(length=40, index=True)
    subject_type = Varchar(length=30)
    subject_id = Varchar(length=64)
    payload = Text(default="{}")  # {"data": {...}, "text": "..."}
    created_at = Timestamptz()
    dispatched_at = Timestamptz(null=True, default=None, index=True)


class IdempotencyRecord(Table, tablename="idempotency_records"):
    """The first reply to a (user, Idempotency-Key) write, replayed on retries.

    Listed in the security Piccolo app, whose migrations created it (the schema is unchanged).
    """

    id = UUID(primary_key=True)
    user_id = UUID()
    key = Varchar(length=255)
    fingerprint = Varchar(length=64)
    status_code = Integer()
    body = Text()
    created_at = Timestamptz(index=True)
