"""Login (with failure throttling), one-time refresh tokens with chain revocation."""

from __future__ import annotations

import datetime as dt
import uuid

from backend import clock
from backend.errors import RateLimited, Unauthorized
from backend.ids import new_id
from backend.orgs.tables import User
from backend.security import tokens
from backend.security.passwords import verify_password
from backend.security.schemas import Actor, Role, TokenPair
from backend.security.tables import LoginFailure, RefreshToken
from backend.settings import settings


async def _retry_after(key: str, limit: int) -> int | None:
    """Seconds until `key` may try again, or None while it is under its failure limit."""
    window_start = clock.now() - dt.timedelta(seconds=settings.login_failure_window)
    recent = await (
        LoginFailure.select(LoginFailure.at)
        .where((LoginFailure.key == key) & (LoginFailure.at > window_start))
        .order_by(LoginFailure.at, ascending=False)
        .limit(limit)
    )
    if len(recent) < limit:
        return None
    oldest_counted = recent[-1]["at"]
    return max(1, int((oldest_counted - window_start).total_seconds()) + 1)


async def login(*, username: str, password: str, client: str) -> TokenPair:
    """A token pair for good credentials; failed attempts are throttled per username and address."""
    keys = ((f"user:{username.lower()}", settings.login_max_failures_user),
            (f"addr:{client}", settings.login_max_failures_address))
    for key, limit in keys:
        wait = await _retry_after(key, limit)
        if wait is not None:
            raise RateLimited("Too many failed logins; try again later.", retry_after=wait)
    user = await User.select().where((User.username == username) & (User.active == True)).first()  # noqa: E712
    if not await verify_password(user["password_hash"] if user else None, password):
        now = clock.now()
        await LoginFailure.insert(*(LoginFailure(id=new_id(), key=key, at=now) for key, _ in keys))
        raise Unauthorized("Wrong username or password.", code="invalid_credentials")
    await LoginFailure.delete().where(LoginFailure.key == keys[0][0])
    return await _issue(user, family_id=new_id())


def actor_of(user: dict) -> Actor:
    def opt(value: object) -> str | None:
        return str(value) if value is not None else None

    return Actor(
        id=str(user["id"]),
        username=user["username"],
        role=Role(user["role"]),
        district=user["district"],
        enterprise_id=opt(user["enterprise_id"]),
        service_point_id=opt(user["service_point_id"]),
        department_id=opt(user["department_id"]),
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
        access_token=tokens.issue_access_token(actor_of(user)),
        refresh_token=refresh,
        expires_in=settings.access_token_ttl,
    )


async def refresh(*, refresh_token: str) -> TokenPair:
    """Exchange a refresh token once; presenting a used one revokes its whole chain."""
    now = clock.now()
    row = await RefreshToken.select().where(
        RefreshToken.token_hash == tokens.hash_refresh_token(refresh_token)
    ).first()
    if row is None or row["revoked_at"] is not None or row["expires_at"] <= now:
        raise Unauthorized("The refresh token is not valid.", code="invalid_refresh_token")
    # Compare-and-set: of two concurrent uses, exactly one marks the token used.
    claimed = await RefreshToken.update({RefreshToken.used_at: now}).where(
        (RefreshToken.id == row["id"]) & RefreshToken.used_at.is_null()
    ).returning(RefreshToken.id)
    if not claimed:
        await RefreshToken.update({RefreshToken.revoked_at: now}).where(
            (RefreshToken.family_id == row["family_id"]) & RefreshToken.revoked_at.is_null()
        )
        raise Unauthorized(
            "The refresh token was already used; every token of its chain is now revoked.",
            code="refresh_token_reused",
        )
    user = await User.select().where((User.id == row["user_id"]) & (User.active == True)).first()  # noqa: E712
    if user is None:
        raise Unauthorized("The account is no longer active.", code="invalid_refresh_token")
    return await _issue(user, family_id=row["family_id"])


async def logout(*, refresh_token: str) -> None:
    """Revoke the refresh token's whole chain (sign-out). Unknown or spent tokens change nothing.

    Access tokens already issued stay valid until they expire (ACCESS_TOKEN_TTL): they are checked
    without a database call, and the app drops its own from memory when signing out.
    """
    row = await RefreshToken.select(RefreshToken.family_id).where(
        RefreshToken.token_hash == tokens.hash_refresh_token(refresh_token)
    ).first()
    if row is None:
        return
    await RefreshToken.update({RefreshToken.revoked_at: clock.now()}).where(
        (RefreshToken.family_id == row["family_id"]) & RefreshToken.revoked_at.is_null()
    )
