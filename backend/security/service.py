"""Login (throttled, see `throttle`), one-time refresh tokens with chain revocation."""

from __future__ import annotations

import datetime as dt
import uuid

from backend.orgs.service import actor_of
from backend.orgs.tables import User
from backend.platform import clock, passwords
from backend.platform.errors import Unauthorized, Unavailable
from backend.platform.ids import new_id
from backend.platform.settings import settings
from backend.security import revocations, throttle, tokens
from backend.security.schemas import TokenPair
from backend.security.tables import RefreshToken


async def login(*, username: str, password: str, client: str) -> TokenPair:
    """A token pair for good credentials; failed attempts are throttled per account and address.

    See `throttle` for the rules. The password hash waits for one of a few hashing slots
    (`passwords.gate`); when none comes free in time the attempt is released and answered 503.
    """
    if passwords.gate.saturated():
        raise _busy()
    claim = await throttle.claim(username=username, address=client)
    user = await User.select().where((User.username == username) & (User.active == True)).first()  # noqa: E712
    try:
        ok = await passwords.verify_password(
            user["password_hash"] if user else None,
            password,
            # An address over its limit does not queue for a slot: it gets one only if one is free.
            wait=settings.login_queue_seconds if claim.address_ok else 0,
        )
    except passwords.HashingBusy:
        await throttle.release(claim)
        raise (_busy() if claim.address_ok else throttle.address_limited(claim, checked=False)) from None
    if not ok:
        await throttle.failed(claim)
        if not claim.address_ok:
            raise throttle.address_limited(claim)
        raise Unauthorized("Wrong username or password.", code="invalid_credentials")
    await throttle.succeeded(claim)
    return await _issue(user, family_id=new_id())


def _busy() -> Unavailable:
    return Unavailable(
        "Too many logins are being checked right now; try again in a moment.",
        retry_after=2,
        code="login_busy",
    )


async def _issue(user: dict, *, family_id: uuid.UUID) -> TokenPair:
    now = clock.now()
    refresh, refresh_hash = tokens.new_refresh_token()
    await RefreshToken.insert(
        RefreshToken(
            id=new_id(),
            user_id=user["id"],
            family_id=family_id,
            token_hash=refresh_hash,
            created_at=now,
            expires_at=now + dt.timedelta(seconds=settings.refresh_token_ttl),
        )
    )
    return TokenPair(
        access_token=tokens.issue_access_token(actor_of(user), chain=str(family_id)),
        refresh_token=refresh,
        expires_in=settings.access_token_ttl,
    )


async def refresh(*, refresh_token: str) -> TokenPair:
    """Exchange a refresh token once; presenting a used one revokes its whole chain."""
    now = clock.now()
    row = await RefreshToken.select().where(RefreshToken.token_hash == tokens.hash_refresh_token(refresh_token)).first()
    if row is None or row["revoked_at"] is not None or row["expires_at"] <= now:
        raise Unauthorized("The refresh token is not valid.", code="invalid_refresh_token")
    # Compare-and-set: of two concurrent uses, exactly one marks the token used.
    claimed = (
        await RefreshToken.update({RefreshToken.used_at: now})
        .where((RefreshToken.id == row["id"]) & RefreshToken.used_at.is_null())
        .returning(RefreshToken.id)
    )
    if not claimed:
        await revoke_chain(family_id=row["family_id"])
        raise Unauthorized(
            "The refresh token was already used; every token of its chain is now revoked.",
            code="refresh_token_reused",
        )
    user = await User.select().where((User.id == row["user_id"]) & (User.active == True)).first()  # noqa: E712
    if user is None:
        raise Unauthorized("The account is no longer active.", code="invalid_refresh_token")
    return await _issue(user, family_id=row["family_id"])


async def logout(*, refresh_token: str) -> None:
    """Sign-out: end the refresh token's chain. Unknown or spent tokens change nothing."""
    row = (
        await RefreshToken.select(RefreshToken.family_id)
        .where(RefreshToken.token_hash == tokens.hash_refresh_token(refresh_token))
        .first()
    )
    if row is not None:
        await revoke_chain(family_id=row["family_id"])


async def revoke_chain(*, family_id: uuid.UUID) -> None:
    """End a session: its refresh tokens stop working, and so do its access tokens (see revocations)."""
    await RefreshToken.update({RefreshToken.revoked_at: clock.now()}).where(
        (RefreshToken.family_id == family_id) & RefreshToken.revoked_at.is_null()
    )
    revocations.note(str(family_id))
