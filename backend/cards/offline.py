"""What an offline scanner needs, with no database and no network: a saved JWKS, saved status
lists, and the same `check` + `judge` the server uses (scripts/verify_offline.py is its CLI)."""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any, Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.cards.credentials import Verdict, judge_token, verify_jws

STATUS_LIST_TYP = "statuslist+jwt"


class StatusListMissing(Exception):
    """No saved status list covers the token's `status.status_list.uri` (or it has expired)."""


def public_from_jwk(entry: Mapping[str, Any]) -> Ed25519PublicKey | None:
    """The Ed25519 key of a JWK entry, or None when it is not one."""
    try:
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            return None
        x = entry["x"]
        return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))
    except (KeyError, TypeError, ValueError, binascii.Error):
        return None


def keys_from_jwks(document: Any) -> dict[str, Ed25519PublicKey]:
    """kid -> public key for the Ed25519 entries of a JWKS document."""
    out: dict[str, Ed25519PublicKey] = {}
    for entry in document.get("keys", []) if isinstance(document, dict) else []:
        if isinstance(entry, dict) and isinstance(entry.get("kid"), str):
            key = public_from_jwk(entry)
            if key is not None:
                out[entry["kid"]] = key
    return out


def pack(values: dict[int, int], size: int) -> bytes:
    """2-bit values at their indexes, least significant bits first (as the draft lays them out)."""
    out = bytearray(size // 4)
    for idx, value in values.items():
        out[idx >> 2] |= (value & 3) << ((idx & 3) * 2)
    return bytes(out)


def unpack(data: bytes, idx: int) -> int | None:
    """The 2-bit value at `idx`, or None when the list is too short."""
    if idx < 0 or (idx >> 2) >= len(data):
        return None
    return (data[idx >> 2] >> ((idx & 3) * 2)) & 3


def encode_lst(values: dict[int, int], size: int) -> str:
    packed = zlib.compress(pack(values, size), 9)
    return base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def decode_lst(lst: str) -> bytes:
    return zlib.decompress(base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4)))


def read_signed_list(token: str, *, keys: Mapping[str, Ed25519PublicKey]) -> tuple[str, int, bytes] | None:
    """(uri, exp, packed 2-bit values) of a status list signed by one of `keys`, else None."""
    claims = verify_jws(token.strip(), keys=keys, typ=STATUS_LIST_TYP)
    try:
        assert isinstance(claims, dict) and claims["status_list"]["bits"] == 2
        return claims["sub"], int(claims["exp"]), decode_lst(claims["status_list"]["lst"])
    except (AssertionError, KeyError, TypeError, ValueError, binascii.Error, zlib.error):
        return None


def verify_offline(
    token: Any, *, jwks: Any, status_lists: list[str], issuer: str, service: str | None, now: int
) -> Verdict:
    """The verdict the server would give (but `replayed`, which needs the server's memory)."""
    keys = keys_from_jwks(jwks)
    lists: dict[str, bytes] = {}
    for raw in status_lists:
        read = read_signed_list(raw, keys=keys)
        if read is not None and read[1] > now:
            lists[read[0]] = read[2]

    def status_of(uri: str, idx: int) -> int | None:
        if uri not in lists:
            raise StatusListMissing(uri)
        return unpack(lists[uri], idx)

    return judge_token(token, keys=keys, issuer=issuer, now=now, service=service, status_of=status_of)
