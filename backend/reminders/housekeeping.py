"""The purge: rows kept only for a while are deleted once their retention is over.

Run by the timetable beside the reminder sweep (every PURGE_INTERVAL_SECONDS, default an hour)
and by `python -m backend purge`. Each table is purged by its own domain's function, in short
batches; running it twice, or in several processes at once, does no harm.

Kept: a used presentation token's claim and a refresh-token link until EXPIRED_TOKEN_RETENTION_HOURS
(24) after the token expired (an expired token is refused either way); an Idempotency-Key reply
IDEMPOTENCY_RETENTION_DAYS (7) after it was made (a phone retrying later creates anew); a failed
login LOGIN_FAILURE_RETENTION_HOURS (24, never less than the throttling window); an outbox event
OUTBOX_RETENTION (7 days) after it was dispatched (its webhook deliveries keep their own log).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from backend.cards.verification import purge_used_presentations
from backend.platform import clock, idempotency, outbox
from backend.platform.settings import settings
from backend.security.purge import purge_login_failures, purge_refresh_tokens

OUTBOX_RETENTION = dt.timedelta(days=7)


def _int(name: str, default: int) -> int:
    # Read here rather than in backend/platform/settings.py to keep the shared file untouched; see README.
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Retention:
    expired_tokens: dt.timedelta
    idempotency: dt.timedelta
    login_failures: dt.timedelta
    interval_seconds: int


def load() -> Retention:
    return Retention(
        expired_tokens=dt.timedelta(hours=_int("EXPIRED_TOKEN_RETENTION_HOURS", 24)),
        idempotency=dt.timedelta(days=_int("IDEMPOTENCY_RETENTION_DAYS", 7)),
        # Throttling counts the failures of the last window: those must stay, whatever the setting.
        login_failures=max(
            dt.timedelta(hours=_int("LOGIN_FAILURE_RETENTION_HOURS", 24)),
            dt.timedelta(seconds=settings.login_failure_window),
        ),
        interval_seconds=_int("PURGE_INTERVAL_SECONDS", 3600),
    )


async def purge() -> dict[str, int]:
    """Delete every row past its retention at the current clock; the count deleted per table."""
    keep, now = load(), clock.now()
    return {
        "card_used_presentations": await purge_used_presentations(before=now - keep.expired_tokens),
        "refresh_tokens": await purge_refresh_tokens(before=now - keep.expired_tokens),
        "idempotency_records": await idempotency.purge(before=now - keep.idempotency),
        "login_failures": await purge_login_failures(before=now - keep.login_failures),
        "outbox_events": await outbox.purge(before=now - OUTBOX_RETENTION),
    }
