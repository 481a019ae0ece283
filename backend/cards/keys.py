"""Card signing keys: Ed25519, created on first start, rotated by `python -m backend keys rotate`.

Public keys and which one is active live in the database, so every API process agrees and picks
up a rotation within KEY_RING_TTL seconds. Private keys are files DATA_DIR/keys/<kid>.pem (mode
0600), or CARD_SIGNING_KEY in the environment. A retired key stays in the JWKS while any card
credential it signed is still valid (and for a presentation token's lifetime after retirement).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import time
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from backend.cards import config, status
from backend.cards.tables import Card, SigningKey
from backend.platform import clock
from backend.platform.errors import Conflict
from backend.platform.ids import new_id
from backend.platform.keyfiles import write_private
from backend.platform.settings import settings

KEY_RING_TTL = 5.0


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def kid_for(public: Ed25519PublicKey) -> str:
    """A short key id: the start of the RFC 7638 JWK thumbprint."""
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": b64url(raw_public(public))}, separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode()).digest())[:8]


def jwk(kid: str, x: str) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}


def _key_path(kid: str):
    return settings.data_dir / "keys" / f"card-{kid}.pem"


@functools.cache
def _env_key() -> Ed25519PrivateKey | None:
    if not config.SIGNING_KEY_PEM:
        return None
    key = serialization.load_pem_private_key(config.SIGNING_KEY_PEM.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError("CARD_SIGNING_KEY must be an Ed25519 private key (PEM)")
    return key


@functools.lru_cache(maxsize=32)
def private_key(kid: str) -> Ed25519PrivateKey:
    """The private key for `kid` (the environment's, or DATA_DIR/keys/card-<kid>.pem)."""
    env = _env_key()
    if env is not None and kid_for(env.public_key()) == kid:
        return env
    key = serialization.load_pem_private_key(_key_path(kid).read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


async def _register(key: Ed25519PrivateKey, *, activate: bool) -> str:
    kid = kid_for(key.public_key())
    now = clock.now()
    if not await SigningKey.exists().where(SigningKey.kid == kid):
        await SigningKey.insert(
            SigningKey(
                id=new_id(), kid=kid, public_key=b64url(raw_public(key.public_key())), created_at=now, activated_at=now
            )
        ).on_conflict(target=SigningKey.kid, action="DO NOTHING")
    if activate:
        await SigningKey.update({SigningKey.activated_at: now, SigningKey.retired_at: None}).where(
            SigningKey.kid == kid
        )
        await SigningKey.update({SigningKey.retired_at: now}).where(
            (SigningKey.kid != kid) & SigningKey.retired_at.is_null()
        )
    return kid


def _new_file_key() -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    write_private(_key_path(kid_for(key.public_key())), pem)
    return key


async def ensure_key() -> str:
    """At start: register the environment's key (made active if new), or create a key if none is active."""
    env = _env_key()
    if env is not None:
        kid = kid_for(env.public_key())
        known = await SigningKey.exists().where(SigningKey.kid == kid)
        return await _register(env, activate=not known)
    active = await _active_row()
    if active is not None:
        return active["kid"]
    return await _register(_new_file_key(), activate=True)


async def rotate() -> str:
    """Create a new key and make it the one that signs; the old ones are retired (still published)."""
    if _env_key() is not None:
        raise Conflict("CARD_SIGNING_KEY is set: rotate by changing it.", code="key_from_environment")
    kid = await _register(_new_file_key(), activate=True)
    _RING.loaded_at = 0.0
    return kid


async def _active_row() -> dict | None:
    return (
        await SigningKey.select()
        .where(SigningKey.retired_at.is_null())
        .order_by(SigningKey.activated_at, ascending=False)
        .first()
    )


@dataclass
class KeyRing:
    """What this process knows of the keys: the published ones, and which signs."""

    active_kid: str | None = None
    public: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    jwks: dict = field(default_factory=lambda: {"keys": []})
    loaded_at: float = 0.0
    version: int = 0


_RING = KeyRing()


async def _load() -> KeyRing:
    now = clock.now()
    rows = await SigningKey.select().order_by(SigningKey.activated_at)
    grace = now - dt.timedelta(seconds=config.MAX_PRESENTATION_TTL)
    needed = {
        r["credential_kid"]
        for r in await Card.select(Card.credential_kid)
        .where(Card.credential_kid.is_not_null() & status.where(status.live(now)))
        .distinct()
    }
    published = [r for r in rows if r["retired_at"] is None or r["retired_at"] > grace or r["kid"] in needed]
    active = [r for r in rows if r["retired_at"] is None]
    ring = KeyRing(
        active_kid=max(active, key=lambda r: r["activated_at"])["kid"] if active else None,
        public={
            r["kid"]: Ed25519PublicKey.from_public_bytes(
                base64.urlsafe_b64decode(r["public_key"] + "=" * (-len(r["public_key"]) % 4))
            )
            for r in published
        },
        jwks={"keys": [jwk(r["kid"], r["public_key"]) for r in published]},
        loaded_at=time.monotonic(),
        version=_RING.version,
    )
    if ring.jwks != _RING.jwks:  # checked-token caches are keyed by version: bump only on change
        ring.version += 1
    return ring


async def ring(*, max_age: float = KEY_RING_TTL) -> KeyRing:
    """The key ring, reloaded from the database when older than `max_age` seconds."""
    global _RING
    if time.monotonic() - _RING.loaded_at > max_age:
        _RING = await _load()
    return _RING


def forget() -> None:
    """Drop the cached ring (tests and the CLI change keys under a running process)."""
    _RING.loaded_at = 0.0


async def active_kid() -> str:
    """The kid that signs now (a key is created on first use if none exists)."""
    current = await ring()
    if current.active_kid is None:
        await ensure_key()
        current = await ring(max_age=0)
    assert current.active_kid is not None
    return current.active_kid
