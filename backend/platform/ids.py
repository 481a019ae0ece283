"""Time-ordered UUIDs (version 7), so keyset pagination by id follows creation order."""

from __future__ import annotations

import os
import time
import uuid


def new_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then random bits."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b
    return uuid.UUID(int=value)


def parse_id(raw: str) -> uuid.UUID | None:
    """The UUID in `raw`, or None when it is not one (callers answer 404)."""
    try:
        return uuid.UUID(raw)
    except (ValueError, TypeError, AttributeError):
        return None
