"""Idempotency-Key for writes a phone may retry: the same key from the same user gets the first reply.

The key is claimed at the start of the work's transaction, so a reply is stored exactly when
the work committed. Two concurrent first attempts: one claims the key; the other waits on the
unique (user, key) index, fails when the first commits, rolls back, and replays the stored reply. A key reused with a different
request is refused (422) rather than silently answered with another request's result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any, Awaitable, Callable

import msgspec
from litestar import Response

from backend.platform import clock, db
from backend.platform.actor import Actor
from backend.platform.errors import ValidationFailed
from backend.platform.ids import new_id
from backend.platform.tables import IdempotencyRecord

MAX_KEY_LENGTH = 255


def fingerprint(*parts: Any) -> str:
    """A stable hash of what identifies the request (method, path, body...)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else msgspec.json.encode(part))
        digest.update(b"\x00")
    return digest.hexdigest()


async def _stored(actor: Actor, key: str, request_fingerprint: str) -> Response | None:
    row = (
        await IdempotencyRecord.select()
        .where((IdempotencyRecord.user_id == uuid.UUID(actor.id)) & (IdempotencyRecord.key == key))
        .first()
    )
    if row is None:
        return None
    if row["fingerprint"] != request_fingerprint:
        raise ValidationFailed(
            "This Idempotency-Key was used for a different request.",
            code="idempotency_key_reused",
            field="Idempotency-Key",
        )
    return Response(
        content=row["body"].encode(),
        status_code=row["status_code"],
        media_type="application/json",
        headers={"Idempotent-Replayed": "true"},
    )


async def replay(*, actor: Actor, key: str | None, request_fingerprint: str) -> Response | None:
    """The stored first reply when `key` was seen before, else None (also without a key).

    For routes with slow work before `run` (image processing): check this first and skip the
    work on a retry. A key reused with a different request is refused (422).
    """
    if key is None:
        return None
    if not (0 < len(key) <= MAX_KEY_LENGTH):
        raise ValidationFailed("Idempotency-Key must be 1 to 255 characters.", field="Idempotency-Key")
    return await _stored(actor, key, request_fingerprint)


async def run(
    *,
    actor: Actor,
    key: str | None,
    request_fingerprint: str,
    work: Callable[[], Awaitable[Any]],
    status_code: int = 201,
) -> Response:
    """Run `work` in one transaction (replaying the first reply when `key` was seen before)."""
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH):
        raise ValidationFailed("Idempotency-Key must be 1 to 255 characters.", field="Idempotency-Key")
    if key is None:
        async with db.transaction():
            result = await work()
        return Response(content=result, status_code=status_code)
    replay = await _stored(actor, key, request_fingerprint)
    if replay is not None:
        return replay
    record_id = new_id()
    try:
        async with db.transaction():
            # Claim the key first: a concurrent twin blocks here, then fails on the unique index.
            await IdempotencyRecord.insert(
                IdempotencyRecord(
                    id=record_id,
                    user_id=uuid.UUID(actor.id),
                    key=key,
                    fingerprint=request_fingerprint,
                    status_code=status_code,
                    body="",
                    created_at=clock.now(),
                )
            )
            result = await work()
            body = msgspec.json.encode(result)
            await IdempotencyRecord.update({IdempotencyRecord.body: body.decode()}).where(
                IdempotencyRecord.id == record_id
            )
    except Exception as exc:
        if not db.is_unique_violation(exc):
            raise
        replay = await _stored(actor, key, request_fingerprint)
        if replay is None:
            raise
        return replay
    return Response(content=body, status_code=status_code, media_type="application/json")


async def purge(*, before: dt.datetime) -> int:
    """Delete Idempotency-Key records made before `before` (a retry after that runs anew)."""
    return await db.delete_in_batches(IdempotencyRecord, IdempotencyRecord.created_at < before)
