"""Argon2id password hashing, off the event loop, a bounded number at a time.

Each hash takes `PASSWORD_MEMORY_KIB` (64 MiB by default) for as long as it runs. Without a
bound, a storm of logins ran one hash per worker thread (up to 40), pushed the process past
2.5 GB and starved the event loop. Here at most `PASSWORD_HASH_CONCURRENCY` hashes run at once
(default: one per core), a few callers queue behind them, and the rest are told to come back.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from typing import AsyncIterator

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.platform.settings import settings

_hasher = PasswordHasher(time_cost=settings.password_time_cost, memory_cost=settings.password_memory_kib, parallelism=1)
# Compared against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class HashingBusy(Exception):
    """No hashing slot came free in the time the caller would wait."""


class _LoopState:
    __slots__ = ("semaphore", "waiting")

    def __init__(self, permits: int) -> None:
        self.semaphore = asyncio.Semaphore(permits)
        self.waiting = 0


class HashingGate:
    """At most `permits` hashes at once; at most `max_waiting` callers queued behind them."""

    def __init__(self, permits: int, max_waiting: int) -> None:
        self.permits = permits
        self.max_waiting = max_waiting
        # One semaphore per event loop (a server has one; the CLI may open several in turn).
        self._states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = weakref.WeakKeyDictionary()

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._states.get(loop)
        if state is None:
            state = self._states[loop] = _LoopState(self.permits)
        return state

    def saturated(self) -> bool:
        """True when a caller that would wait would be turned away at once."""
        state = self._state()
        return state.semaphore.locked() and state.waiting >= self.max_waiting

    @contextlib.asynccontextmanager
    async def slot(self, *, wait: float | None) -> AsyncIterator[None]:
        """Hold one hashing slot; wait at most `wait` seconds for it (None: as long as it takes)."""
        state = self._state()
        if state.semaphore.locked():
            if wait is not None and (wait <= 0 or state.waiting >= self.max_waiting):
                raise HashingBusy
            state.waiting += 1
            try:
                async with asyncio.timeout(wait):
                    await state.semaphore.acquire()
            except TimeoutError:
                raise HashingBusy from None
            finally:
                state.waiting -= 1
        else:
            await state.semaphore.acquire()
        try:
            yield
        finally:
            state.semaphore.release()


# Waiting costs little memory (a parked request); the wait itself is bounded by LOGIN_QUEUE_SECONDS.
gate = HashingGate(settings.password_hash_concurrency, max_waiting=max(64, 16 * settings.password_hash_concurrency))


async def hash_password(password: str) -> str:
    """Hash a new password; waits for a slot as long as it takes (admin and CLI work, not a login storm).

    Call it before opening a transaction: on SQLite a transaction holds the connection meanwhile.
    """
    async with gate.slot(wait=None):
        # The slot is held until the thread finishes, even if this request is cancelled meanwhile.
        return await anyio.to_thread.run_sync(_hasher.hash, password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str, *, wait: float) -> bool:
    """Check a password; HashingBusy when no slot comes free within `wait` seconds (0: only if free now)."""
    async with gate.slot(wait=wait):
        return await anyio.to_thread.run_sync(_verify, password_hash, password)
