"""Tables the platform owns: the Idempotency-Key ledger."""

from piccolo.columns import UUID, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class IdempotencyRecord(Table, tablename="idempotency_records"):
    """The first reply to a (user, Idempotency-Key) write, replayed on retries."""

    id = UUID(primary_key=True)
    user_id = UUID()
    key = Varchar(length=255)
    fingerprint = Varchar(length=64)
    status_code = Integer()
    body = Text()
    created_at = Timestamptz(index=True)
