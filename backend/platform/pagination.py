"""Keyset pagination: `?limit=` and an opaque `?cursor=` holding the last row's sort key."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Annotated, Any, TypeVar

import msgspec
from piccolo.columns import Column
from piccolo.query import Select

from backend.platform import inputs
from backend.platform.errors import ValidationFailed

T = TypeVar("T")
Instant = Annotated[dt.datetime, msgspec.Meta(tz=True)]  # a timestamp in a cursor: with its offset
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, shape: type[T]) -> T:
    """The values in `cursor` as `shape` (a tuple type: each value's type and the count are checked).

    A cursor is the client's to send back unchanged; anything else (not base64, not JSON, the
    wrong shape, a timestamp without offset or out of the app's date range) is 422 `validation_failed`.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = msgspec.json.decode(base64.urlsafe_b64decode(padded.encode()), type=shape)
    except (ValueError, UnicodeError, msgspec.DecodeError):
        raise _invalid() from None
    if any(isinstance(v, dt.date) and not inputs.date_in_range(v) for v in values):  # type: ignore[attr-defined]
        raise _invalid()
    return values


def _invalid() -> ValidationFailed:
    return ValidationFailed("The cursor is not valid.", field="cursor")


def plain(row: dict[str, Any]) -> dict[str, Any]:
    """A database row with UUIDs as strings, ready for msgspec.convert."""
    return {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in row.items()}


def to(type_: type[T], row: dict[str, Any]) -> T:
    return msgspec.convert(plain(row), type_)


async def page_by_id(
    query: Select, id_column: Column, *, limit: int, cursor: str | None, newest_first: bool = False
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of `query` in id order (ids are time-ordered UUIDv7s, so this is creation order)."""
    if cursor:
        (last,) = decode_cursor(cursor, tuple[uuid.UUID])
        query = query.where(id_column < last if newest_first else id_column > last)
    rows = await query.order_by(id_column, ascending=not newest_first).limit(limit + 1).run()
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor([str(rows[-1][id_column._meta.name])])
    return rows, None
