"""Hand-made tokens for the bad-input tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def part(obj: Any) -> str:
    return b64(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())


def parts(token: str) -> tuple[dict, dict]:
    head, body, _ = token.split(".")
    pad = lambda p: p + "=" * (-len(p) % 4)  # noqa: E731
    return json.loads(base64.urlsafe_b64decode(pad(head))), json.loads(base64.urlsafe_b64decode(pad(body)))


def ed25519(header: dict, claims: dict, key: Ed25519PrivateKey) -> str:
    signing_input = f"{part(header)}.{part(claims)}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode()))}"


def hs256(header: dict, claims: dict, secret: bytes) -> str:
    signing_input = f"{part(header)}.{part(claims)}"
    return f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def unsigned(header: dict, claims: dict) -> str:
    return f"{part(header)}.{part(claims)}."
