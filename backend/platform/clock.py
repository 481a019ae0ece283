"""The one clock. Tests set it; nothing else reads the system time directly."""

from __future__ import annotations

import datetime as dt

from backend.platform.dates import business_date

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """Current time, UTC-aware."""
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


def set_now(value: dt.datetime | None) -> None:
    """Freeze the clock at `value` (aware), or unfreeze with None."""
    global _frozen
    if value is not None and value.tzinfo is None:
        raise ValueError("clock needs an aware datetime")
    _frozen = value.astimezone(dt.UTC) if value is not None else None


def today() -> dt.date:
    """Business date in Asia/Shanghai."""
    return business_date(now())
