"""Failed-login throttling, claimed before the password is checked.

An attempt first claims a failure for its username and for its client address, in one short
transaction that locks each key's row (`LoginThrottleKey`) before counting that key's recent
failures: of any number of simultaneous attempts, at most the limit get a claim, so at most the
limit are ever answered 401. Only then is the (slow) password hash computed. A right password
deletes the claims again; a wrong one leaves them as the failures they are.

- An account with `LOGIN_MAX_FAILURES_USER` failures in the window is locked: every attempt
  is refused without checking the password (429, with when the lock ends).
- An address with `LOGIN_MAX_FAILURES_ADDRESS` failures only slows down failing attempts:
  its attempts are still checked, so a right password still logs in (a whole office may sit
  behind one address), but a wrong one answers 429 instead of 401, and such attempts never
  wait for a hashing slot (they get one only if it is free at once).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from backend.platform import clock, db
from backend.platform.errors import RateLimited
from backend.platform.ids import new_id
from backend.platform.settings import settings
from backend.security.tables import LoginFailure, LoginThrottleKey


@dataclass(frozen=True)
class Claim:
    """What one login attempt holds while its password is checked."""

    user_key: str
    user_row: uuid.UUID
    address_key: str
    address_row: uuid.UUID | None  # None: the address is over its limit
    address_until: dt.datetime | None  # when the address may fail again without 429

    @property
    def address_ok(self) -> bool:
        return self.address_row is not None


def keys(username: str, address: str) -> tuple[str, str]:
    return f"user:{username.lower()}"[:255], f"addr:{address}"[:255]


def _window_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.login_failure_window)


async def _lock(key: str, now: dt.datetime) -> None:
    """Take the key's row lock for the rest of the transaction (creating the row if need be)."""
    await LoginThrottleKey.insert(LoginThrottleKey(id=new_id(), key=key, touched_at=now)).on_conflict(
        target=LoginThrottleKey.key, action="DO UPDATE", values=[LoginThrottleKey.touched_at]
    )


async def _locked_until(key: str, limit: int, now: dt.datetime) -> dt.datetime | None:
    """When `key` may fail again, or None while it is under its limit."""
    window_start = _window_start(now)
    recent = await (
        LoginFailure.select(LoginFailure.at)
        .where((LoginFailure.key == key) & (LoginFailure.at > window_start))
        .order_by(LoginFailure.at, ascending=False)
        .limit(limit)
    )
    if len(recent) < limit:
        return None
    # The oldest of the last `limit` failures leaving the window frees one place.
    return recent[-1]["at"] + dt.timedelta(seconds=settings.login_failure_window)


async def _record(key: str, now: dt.datetime) -> uuid.UUID:
    row_id = new_id()
    await LoginFailure.insert(LoginFailure(id=row_id, key=key, at=now))
    return row_id


def _seconds_until(moment: dt.datetime, now: dt.datetime) -> int:
    return max(1, int((moment - now).total_seconds()) + 1)


def account_locked(until: dt.datetime, now: dt.datetime) -> RateLimited:
    return RateLimited(
        f"Too many failed logins for this account; it is locked until {until.isoformat(timespec='seconds')}.",
        retry_after=_seconds_until(until, now),
        code="rate_limited",
        extra={"scope": "account", "locked_until": until.isoformat(timespec="seconds")},
    )


def address_limited(claim: Claim, *, checked: bool = True) -> RateLimited:
    """429 for an attempt from an address over its limit: its password was wrong (`checked`), or
    no hashing slot was free to check it, in which case a retry in a moment may well succeed."""
    now = clock.now()
    until = claim.address_until or now
    stamp = until.isoformat(timespec="seconds")
    if checked:
        detail = f"Too many failed logins from your network; wrong passwords are refused until {stamp} (a right one still logs in)."
        retry_after = _seconds_until(until, now)
    else:
        detail = (
            f"Too many failed logins from your network (wrong passwords are refused until {stamp}), "
            "and the server was too busy to check this one; try again in a moment."
        )
        retry_after = 2
    return RateLimited(
        detail, retry_after=retry_after, code="rate_limited", extra={"scope": "address", "locked_until": stamp}
    )


async def claim(*, username: str, address: str) -> Claim:
    """Claim one failure for the account and the address; RateLimited if the account is locked.

    Its own transaction, committed before the password is checked, so that every other attempt,
    in this process or another, counts it (the hash runs with no transaction open).
    """
    now = clock.now()
    user_key, address_key = keys(username, address)
    async with db.transaction():
        # Always the account first, then the address: one order, so two claims never deadlock.
        await _lock(user_key, now)
        until = await _locked_until(user_key, settings.login_max_failures_user, now)
        if until is not None:
            raise account_locked(until, now)
        user_row = await _record(user_key, now)
        await _lock(address_key, now)
        address_until = await _locked_until(address_key, settings.login_max_failures_address, now)
        address_row = await _record(address_key, now) if address_until is None else None
    return Claim(user_key, user_row, address_key, address_row, address_until)


async def release(claim: Claim) -> None:
    """The password was never checked: the attempt counts for nothing."""
    rows = [r for r in (claim.user_row, claim.address_row) if r is not None]
    await LoginFailure.delete().where(LoginFailure.id.is_in(rows))


async def succeeded(claim: Claim) -> None:
    """A right password: the account's failures are forgiven, and this attempt was no failure."""
    async with db.transaction():
        await LoginFailure.delete().where(LoginFailure.key == claim.user_key)
        if claim.address_row is not None:
            await LoginFailure.delete().where(LoginFailure.id == claim.address_row)


async def failed(claim: Claim) -> None:
    """A wrong password: the claims stand. From an address already over its limit, the failure is
    recorded too, so the address stays limited for as long as it keeps failing."""
    if claim.address_row is None:
        await _record(claim.address_key, clock.now())
