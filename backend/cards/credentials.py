"""Card credentials and presentation tokens: how they are made, and the one judging function.

`judge` is pure (no database, no clock of its own): the server and the offline verifier
(scripts/verify_offline.py) both call it, so they cannot disagree. The server feeds it the card's
status from the database; the offline verifier from a saved status list.

Reasons, in the order they are checked: `malformed` (not a compact JWS of ours, wrong `typ`,
missing or ill-typed claims), `bad_signature` (alg other than EdDSA — `none`, HS256 key
confusion — or a signature that does not verify), `unknown_key` (a `kid` not in the key set, or
another issuer), `not_yet_valid`, `expired`, `revoked`, `suspended`, `not_entitled` (the card
lacks the service point's service). `replayed` is decided by the caller that remembers `jti`s.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CREDENTIAL_TYP = "greencard+jwt"
PRESENTATION_TYP = "greencard-presentation+jwt"
KINDS = {CREDENTIAL_TYP: "credential", PRESENTATION_TYP: "presentation"}
MAX_TOKEN_CHARS = 4096
MAX_PRESENTATION_SECONDS = 120


class Reason(enum.StrEnum):
    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    REPLAYED = "replayed"
    NOT_ENTITLED = "not_entitled"


def mask_name(name: str) -> str:
    """张三丰 -> 张*丰, 张三 -> 张*: enough for staff to match an ID card, no more."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * min(len(name) - 2, 3) + name[-1]


# Token Status List values (2 bits).
VALID, REVOKED, SUSPENDED = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Checked:
    """A token whose structure and signature passed: its kind, key id and claims."""

    kind: str
    kid: str
    claims: dict[str, Any]

    @property
    def number(self) -> str:
        return self.claims["sub"]

    @property
    def status_ref(self) -> tuple[str, int]:
        ref = self.claims["status"]["status_list"]
        return ref["uri"], ref["idx"]


@dataclass(frozen=True, slots=True)
class Verdict:
    reason: Reason | None
    checked: Checked | None = None

    @property
    def valid(self) -> bool:
        return self.reason is None

    @property
    def result(self) -> str:
        return "valid" if self.reason is None else "invalid"


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _json(part: str) -> Any:
    return json.loads(_b64(part))


def encode(claims: dict[str, Any], *, typ: str, kid: str, key: Ed25519PrivateKey) -> str:
    """A compact JWS (EdDSA) of `claims`, minified."""
    header = {"alg": "EdDSA", "kid": kid, "typ": typ}
    signing_input = ".".join(
        base64.urlsafe_b64encode(json.dumps(p, separators=(",", ":"), ensure_ascii=False).encode())
        .rstrip(b"=")
        .decode()
        for p in (header, claims)
    )
    signature = base64.urlsafe_b64encode(key.sign(signing_input.encode())).rstrip(b"=").decode()
    return f"{signing_input}.{signature}"


def new_jti() -> str:
    return secrets.token_urlsafe(12)


def _claims_ok(kind: str, c: Any) -> bool:
    if not isinstance(c, dict):
        return False
    ints = ("iat", "nbf", "exp")
    if not all(type(c.get(k)) is int for k in ints) or not isinstance(c.get("sub"), str) or not c["sub"]:
        return False
    if not isinstance(c.get("iss"), str) or not isinstance(c.get("name"), str) or not isinstance(c.get("ent"), str):
        return False
    services = c.get("services")
    if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        return False
    try:
        ref = c["status"]["status_list"]
        if type(ref["idx"]) is not int or ref["idx"] < 0 or not isinstance(ref["uri"], str):
            return False
    except (KeyError, TypeError):
        return False
    if kind == "presentation":
        if not isinstance(c.get("jti"), str) or not 8 <= len(c["jti"]) <= 64:
            return False
        if c["exp"] - c["iat"] > MAX_PRESENTATION_SECONDS:
            return False
    return True


def check(token: Any, *, keys: Mapping[str, Ed25519PublicKey], issuer: str) -> Checked | Reason:
    """Structure, type, algorithm, key and signature of `token` (no time or status yet)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        return Reason.MALFORMED
    head, body, sig = token.split(".")
    try:
        header = _json(head)
        signature = _b64(sig)
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return Reason.MALFORMED
    if not isinstance(header, dict) or header.get("typ") not in KINDS:
        return Reason.MALFORMED
    if header.get("alg") != "EdDSA":
        return Reason.BAD_SIGNATURE
    kid = header.get("kid")
    if not isinstance(kid, str):
        return Reason.MALFORMED
    key = keys.get(kid)
    if key is None:
        return Reason.UNKNOWN_KEY
    try:
        key.verify(signature, f"{head}.{body}".encode())
    except (InvalidSignature, ValueError):
        return Reason.BAD_SIGNATURE
    kind = KINDS[header["typ"]]
    try:
        claims = _json(body)
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return Reason.MALFORMED
    if not _claims_ok(kind, claims):
        return Reason.MALFORMED
    if claims["iss"] != issuer:
        return Reason.UNKNOWN_KEY
    return Checked(kind=kind, kid=kid, claims=claims)


def verify_jws(token: str, *, keys: Mapping[str, Ed25519PublicKey], typ: str) -> Any:
    """The payload of an EdDSA compact JWS of type `typ` signed by one of `keys`, else None."""
    try:
        head, body, sig = token.split(".")
        header = _json(head)
        if header.get("typ") != typ or header.get("alg") != "EdDSA" or header.get("kid") not in keys:
            return None
        keys[header["kid"]].verify(_b64(sig), f"{head}.{body}".encode())
        return _json(body)
    except (ValueError, TypeError, AttributeError, binascii.Error, InvalidSignature, UnicodeDecodeError):
        return None


def judge(checked: Checked | Reason, *, now: int, status: int | None, service: str | None) -> Verdict:
    """The verdict on a checked token, at `now` (unix seconds), given its card's status value.

    `status` is the Token Status List value (0 valid, 1 revoked, 2 suspended; None: unknown card,
    judged as revoked); `service` is the service point's service (None: any).
    """
    if isinstance(checked, Reason):
        return Verdict(checked)
    c = checked.claims
    if now < c["nbf"]:
        return Verdict(Reason.NOT_YET_VALID, checked)
    if now >= c["exp"]:
        return Verdict(Reason.EXPIRED, checked)
    if status is None or status == REVOKED or status not in (VALID, SUSPENDED):
        return Verdict(Reason.REVOKED, checked)
    if status == SUSPENDED:
        return Verdict(Reason.SUSPENDED, checked)
    if service is not None and service not in c["services"]:
        return Verdict(Reason.NOT_ENTITLED, checked)
    return Verdict(None, checked)


def judge_token(
    token: Any,
    *,
    keys: Mapping[str, Ed25519PublicKey],
    issuer: str,
    now: int,
    service: str | None,
    status_of: Callable[[str, int], int | None],
) -> Verdict:
    """check + judge in one call, the card's status read by `status_of(uri, idx)` (offline use)."""
    checked = check(token, keys=keys, issuer=issuer)
    if isinstance(checked, Reason):
        return Verdict(checked)
    return judge(checked, now=now, status=status_of(*checked.status_ref), service=service)
