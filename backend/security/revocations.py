"""Refresh chains revoked lately, so that their access tokens stop working too.

An access token is checked without a database call, so on its own it would keep working for
its whole lifetime (15 minutes) after its chain was revoked — which happens when a used refresh
token is presented again, i.e. when one of the two parties holding it is a thief. Each access
token names its chain (`sid`); each process keeps the set of chains revoked within the last
access-token lifetime (older revocations cannot matter: their tokens have expired) and reloads
it at most every few seconds with one indexed query. A revocation made by this process counts
at once; one made by another process within `RELOAD_SECONDS`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from backend.platform import clock
from backend.platform.settings import settings
from backend.security.tables import RefreshToken

RELOAD_SECONDS = 5.0


class _Revoked:
    def __init__(self) -> None:
        self.chains: frozenset[str] = frozenset()
        self.loaded_at = float("-inf")
        self.lock: asyncio.Lock | None = None


_state = _Revoked()


async def _reload() -> None:
    cutoff = clock.now() - dt.timedelta(seconds=settings.access_token_ttl)
    rows = await RefreshToken.select(RefreshToken.family_id).where(RefreshToken.revoked_at >= cutoff).distinct()
    _state.chains = frozenset(str(r["family_id"]) for r in rows)
    _state.loaded_at = time.monotonic()


async def is_revoked(chain: str) -> bool:
    """True when the chain `chain` was revoked (as this process last learnt, at most RELOAD_SECONDS ago)."""
    if time.monotonic() - _state.loaded_at >= RELOAD_SECONDS:
        if _state.lock is None:
            _state.lock = asyncio.Lock()
        async with _state.lock:  # one reload for all the requests that found the set stale
            if time.monotonic() - _state.loaded_at >= RELOAD_SECONDS:
                await _reload()
    return chain in _state.chains


def note(chain: str) -> None:
    """This process revoked `chain`: refuse its access tokens here at once."""
    _state.chains = _state.chains | {chain}
