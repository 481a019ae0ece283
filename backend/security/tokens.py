"""Access tokens (short-lived HS256 JWTs) and opaque refresh tokens.

Access tokens carry the caller's role and scope so guards need no database call. They are
signed with a secret that is not a card key, and carry `typ: at+jwt`, so neither a card
credential nor a presentation token can pass as one (and an access token is no credential).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import os
import secrets

import jwt

from backend.platform import clock
from backend.platform.actor import Actor, Role
from backend.platform.errors import Unauthorized
from backend.platform.keyfiles import read_or_create
from backend.platform.settings import settings

ALGORITHM = "HS256"
TYP = "at+jwt"
AUDIENCE = "greencard-api"


# HS256 wants a key at least as long as its hash (RFC 7518 §3.2); the generated one has 64 characters.
MIN_SECRET_BYTES = 32


@functools.cache
def _secret() -> bytes:
    """AUTH_SECRET, or the shared key file (created on first use); never an empty or short secret.

    A failure is not cached: the next call tries again. The app reads it at start-up, so a bad
    secret stops the process there rather than failing requests.
    """
    from_env = os.environ.get("AUTH_SECRET")
    if from_env:
        if len(from_env.encode()) < MIN_SECRET_BYTES:
            raise RuntimeError(f"AUTH_SECRET must be at least {MIN_SECRET_BYTES} bytes long")
        return from_env.encode()
    return read_or_create(
        settings.data_dir / "keys" / "auth-secret",
        lambda: base64.b64encode(secrets.token_bytes(48)),
        min_length=MIN_SECRET_BYTES,
    )


def ensure_secret() -> None:
    """Read (or create) the access-token secret now, at start-up."""
    _secret()


def issuer() -> str:
    return settings.public_base_url


def issue_access_token(actor: Actor, *, chain: str | None = None) -> str:
    """An access token for `actor`; `chain` is the refresh chain it came from (checked for revocation)."""
    now = clock.now()
    claims = {
        "iss": issuer(),
        "aud": AUDIENCE,
        "sub": actor.id,
        "usr": actor.username,
        "role": actor.role.value,
        "iat": int(now.timestamp()),
        "exp": int((now + dt.timedelta(seconds=settings.access_token_ttl)).timestamp()),
        "jti": secrets.token_urlsafe(8),
    }
    for claim, value in (
        ("dst", actor.district),
        ("ent", actor.enterprise_id),
        ("spt", actor.service_point_id),
        ("dep", actor.department_id),
        ("sid", chain),
    ):
        if value is not None:
            claims[claim] = value
    return jwt.encode(claims, _secret(), algorithm=ALGORITHM, headers={"typ": TYP})


def read_access_token(token: str) -> Actor:
    """The Actor in a valid access token; Unauthorized with a precise code otherwise."""
    return decode_access_token(token)[0]


def decode_access_token(token: str) -> tuple[Actor, str | None]:
    """(the Actor, the refresh chain it came from) of a valid access token; Unauthorized otherwise."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Unauthorized("The access token is malformed.", code="invalid_token") from None
    if header.get("typ") != TYP or header.get("alg") != ALGORITHM:
        raise Unauthorized("This is not an access token.", code="invalid_token")
    try:
        claims = jwt.decode(
            token,
            _secret(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=issuer(),
            leeway=0,
            # Expiry is judged by the app clock (which tests set), not the system time.
            options={"require": ["exp", "iat", "sub", "role"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError:
        raise Unauthorized("The access token is not valid.", code="invalid_token") from None
    if claims["exp"] <= clock.now().timestamp():
        raise Unauthorized("The access token has expired.", code="token_expired")
    try:
        role = Role(claims["role"])
    except ValueError:
        raise Unauthorized("The access token is not valid.", code="invalid_token") from None
    actor = Actor(
        id=claims["sub"],
        username=claims.get("usr", ""),
        role=role,
        district=claims.get("dst"),
        enterprise_id=claims.get("ent"),
        service_point_id=claims.get("spt"),
        department_id=claims.get("dep"),
    )
    chain = claims.get("sid")
    return actor, chain if isinstance(chain, str) else None


def new_refresh_token() -> tuple[str, str]:
    """(token for the client, SHA-256 hex kept in the database)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
