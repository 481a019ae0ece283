"""Deleting security rows nobody needs any more (called by the purge job, reminders/housekeeping.py).

Each table has its own small function keyed on one timestamp column, so a change to one table
touches one function.
"""

from __future__ import annotations

import datetime as dt

from backend.platform import db
from backend.security.tables import LoginFailure, LoginThrottleKey, RefreshToken


async def purge_login_failures(*, before: dt.datetime) -> int:
    """Delete failed-login records from before `before`, and the throttle's lock rows idle since then
    (throttling counts only the last window; a lock row is made again on the next attempt)."""
    await db.delete_in_batches(LoginThrottleKey, LoginThrottleKey.touched_at < before)
    return await db.delete_in_batches(LoginFailure, LoginFailure.at < before)


async def purge_refresh_tokens(*, before: dt.datetime) -> int:
    """Delete refresh-token links that expired before `before`.

    Reuse detection needs a used link only while it could still be presented: an expired one is
    refused as invalid whether its row is there or not, and the rest of its chain keeps its rows
    until each expires, so revoking a chain on reuse works as before.
    """
    return await db.delete_in_batches(RefreshToken, RefreshToken.expires_at < before)
