"""Signing a card's tokens: the long-lived credential (printed) and the rotating presentation token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.cards import config, keys, statuslist
from backend.cards import schemas as s
from backend.cards.credentials import CREDENTIAL_TYP, PRESENTATION_TYP, encode, mask_name, new_jti
from backend.cards.images import CardFace
from backend.cards.service import CardRow, get_card_row, my_card
from backend.cards.status import derived_status
from backend.cards.tables import Card
from backend.platform import clock
from backend.platform.actor import Actor
from backend.platform.dates import business_date
from backend.platform.errors import Conflict
from backend.platform.settings import settings

MAX_ENT_CHARS = 16  # a CJK character costs 4 characters of base64: keep the QR at version <= 20


def _short(name: str) -> str:
    return name if len(name) <= MAX_ENT_CHARS else name[: MAX_ENT_CHARS - 1] + "…"


def _claims(row: CardRow, *, now: dt.datetime) -> dict[str, Any]:
    return {
        "iss": settings.public_base_url,
        "sub": row.number,
        "iat": int(now.timestamp()),
        "nbf": int(row.valid_from.timestamp()),
        "exp": int(row.valid_until.timestamp()),
        "services": list(row.services),
        "name": mask_name(row.holder_name),
        "ent": _short(row.enterprise_name),
        "status": {"status_list": {"idx": row.status_idx, "uri": statuslist.uri(row.status_list)}},
    }


async def credential(*, card_id: str, actor: Actor) -> s.TokenRead:
    """The card's credential: the one already printed while its key is still published, else a new one."""
    row = await get_card_row(card_id=card_id, actor=actor)
    if row.status == "revoked":
        raise Conflict("The card is revoked.", code="card_revoked")
    stored = await Card.select(Card.credential, Card.credential_kid).where(Card.id == row.id).first()
    ring = await keys.ring()
    if stored["credential"] and stored["credential_kid"] in ring.public:
        return s.TokenRead(token=stored["credential"], expires_at=row.valid_until)
    kid = await keys.active_kid()
    token = encode(_claims(row, now=clock.now()), typ=CREDENTIAL_TYP, kid=kid, key=keys.private_key(kid))
    await Card.update({Card.credential: token, Card.credential_kid: kid}).where(Card.id == row.id)
    return s.TokenRead(token=token, expires_at=row.valid_until)


async def presentation(*, actor: Actor) -> s.TokenRead:
    """A one-time token for the holder's rotating QR, valid PRESENTATION_TTL seconds."""
    card = await my_card(actor=actor)
    if card.status == s.CardStatus.REVOKED:
        raise Conflict("Your card is revoked.", code="card_revoked")
    if card.status == s.CardStatus.EXPIRED:
        raise Conflict("Your card has expired.", code="card_expired")
    row = await get_card_row(card_id=card.id, actor=actor)
    now = clock.now()
    claims = _claims(row, now=now)
    expires = now + dt.timedelta(seconds=config.PRESENTATION_TTL)
    claims["nbf"] = max(claims["nbf"], claims["iat"])
    claims["exp"] = min(claims["exp"], int(expires.timestamp()))
    claims["jti"] = new_jti()
    kid = await keys.active_kid()
    token = encode(claims, typ=PRESENTATION_TYP, kid=kid, key=keys.private_key(kid))
    return s.TokenRead(token=token, expires_at=dt.datetime.fromtimestamp(claims["exp"], dt.UTC))


__all__ = ["credential", "presentation", "mask_name"]


async def card_face(*, card_id: str, actor: Actor) -> CardFace:
    """What card.png shows (signing the credential first if the card has none yet)."""
    token = await credential(card_id=card_id, actor=actor)
    row = await get_card_row(card_id=card_id, actor=actor)
    return CardFace(
        token=token.token,
        holder_name=row.holder_name,
        enterprise_name=row.enterprise_name,
        number=row.number,
        valid_from=business_date(row.valid_from),
        valid_until=business_date(row.valid_until),
        services=tuple(row.services),
        status=derived_status(row.status, row.valid_until, clock.now()).value,
    )
