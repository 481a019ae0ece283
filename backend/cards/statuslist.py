"""IETF Token Status List (draft-ietf-oauth-status-list): 2 bits per card, 0 valid, 1 revoked, 2 suspended.

Indexes are drawn at random from a large list, so a list's layout says nothing about who holds
which index or in which order cards were issued; an index is never reused (unique in the
database, and cards are never deleted). A new list starts when the current one is half full.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from backend.cards import config, keys
from backend.cards.credentials import REVOKED, SUSPENDED, VALID, encode
from backend.cards.offline import STATUS_LIST_TYP as TYP
from backend.cards.offline import encode_lst
from backend.cards.tables import Card
from backend.platform import clock
from backend.platform.errors import NotFound
from backend.platform.settings import settings

STATUS_VALUE = {"active": VALID, "revoked": REVOKED, "suspended": SUSPENDED}


def uri(list_id: int) -> str:
    return f"{settings.public_base_url}/api/v1/status-lists/{list_id}"


async def allocate() -> tuple[int, int]:
    """A fresh (list, index) for a new card: a random free slot of the current list."""
    current = await Card.select(Card.status_list).order_by(Card.status_list, ascending=False).first()
    list_id = current["status_list"] if current else 1
    if await Card.count().where(Card.status_list == list_id) >= config.STATUS_LIST_SIZE // 2:
        list_id += 1
    while True:
        idx = secrets.randbelow(config.STATUS_LIST_SIZE)
        taken = await Card.exists().where((Card.status_list == list_id) & (Card.status_idx == idx))
        if not taken:
            return list_id, idx


@dataclass(frozen=True)
class SignedList:
    token: str
    etag: str
    ttl: int


async def signed_list(*, list_id: str) -> SignedList:
    """The list as a signed `statuslist+jwt`, for scanners to cache for `ttl` seconds."""
    try:
        number = int(list_id)
    except ValueError:
        raise NotFound("No such status list.", code="status_list_not_found") from None
    top = await Card.select(Card.status_list).order_by(Card.status_list, ascending=False).first()
    if not 1 <= number <= max(1, top["status_list"] if top else 1) or str(number) != list_id:
        raise NotFound("No such status list.", code="status_list_not_found")
    rows = await Card.select(Card.status_idx, Card.status).where(
        (Card.status_list == number) & (Card.status != "active")
    )
    lst = encode_lst({r["status_idx"]: STATUS_VALUE[r["status"]] for r in rows}, config.STATUS_LIST_SIZE)
    kid = await keys.active_kid()
    now = int(clock.now().timestamp())
    claims = {
        "sub": uri(number),
        "iat": now,
        "exp": now + 24 * 3600,
        "ttl": config.STATUS_LIST_TTL,
        "status_list": {"bits": 2, "lst": lst},
    }
    token = encode(claims, typ=TYP, kid=kid, key=keys.private_key(kid))
    etag = '"' + hashlib.sha256(f"{lst}|{kid}".encode()).hexdigest()[:32] + '"'
    return SignedList(token=token, etag=etag, ttl=config.STATUS_LIST_TTL)
