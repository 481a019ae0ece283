"""Verification at a service point: judge any token, record one redemption for a valid one.

The judging is `credentials.check` + `credentials.judge`, the same pure functions the offline
verifier calls; the server adds only what needs its database: the card's current status instead
of a cached status list, and the one-time claim of a presentation token's `jti`.
Repeated scans of one token skip the signature work (a small cache of checked tokens).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import msgspec

from backend.cards import keys
from backend.cards import schemas as s
from backend.cards.credentials import VALID, Checked, Reason, Verdict, check, judge, mask_name
from backend.cards.statuslist import STATUS_VALUE
from backend.cards.tables import Card, Redemption, UsedPresentation
from backend.orgs.schemas import Service
from backend.orgs.tables import ServicePoint
from backend.platform import clock, dates, db, inputs, metrics
from backend.platform.actor import Actor, Role
from backend.platform.errors import Forbidden
from backend.platform.ids import new_id, parse_id
from backend.platform.pagination import page_by_id
from backend.platform.settings import settings

_CHECKED: OrderedDict[tuple[str, int], Checked | Reason] = OrderedDict()
_CHECKED_MAX = 4096
_POINT_SERVICE: dict[str, str] = {}
_last_unknown_refresh = 0.0


def _cached_check(token: str, ring: keys.KeyRing) -> Checked | Reason:
    key = (token, ring.version)
    hit = _CHECKED.get(key)
    if hit is not None:
        _CHECKED.move_to_end(key)
        return hit
    result = check(token, keys=ring.public, issuer=settings.public_base_url)
    if len(token) <= 4096:  # oversized garbage is not worth remembering
        _CHECKED[key] = result
        if len(_CHECKED) > _CHECKED_MAX:
            _CHECKED.popitem(last=False)
    return result


async def _service_of(actor: Actor) -> str:
    point_id = actor.service_point_id or ""
    service = _POINT_SERVICE.get(point_id)
    if service is None:
        value = parse_id(point_id)
        row = value and await ServicePoint.select(ServicePoint.service).where(ServicePoint.id == value).first()
        if not row:
            raise Forbidden("Your account is not linked to a service point.", code="no_service_point")
        service = _POINT_SERVICE[point_id] = row["service"]
    return service


class CardInfo(msgspec.Struct, frozen=True):
    """What a scan shows of a card and needs to redeem it; none of it changes with the card's status."""

    id: uuid.UUID
    number: str
    valid_until: dt.datetime
    services: list[str]
    holder_name: str
    enterprise_name: str


@dataclass
class Judged:
    """A verdict reached without the card's live status (`verdict`), to be settled by `record`."""

    verdict: Verdict
    card: CardInfo | None
    service: str

    @property
    def writes_one_statement(self) -> bool:
        """Settling writes nothing, or one atomic statement (a credential's redemption)."""
        checked = self.verdict.checked
        return not self.verdict.valid or checked is None or checked.kind == "credential"


# Card details that do not change with its status (number -> id, names, services, validity), kept
# briefly so repeated scans of one card skip the join; the status itself is read on every scan.
_CARD_INFO: OrderedDict[str, tuple[float, CardInfo | None]] = OrderedDict()
_CARD_INFO_TTL = 30.0


async def _card_info(number: str) -> CardInfo | None:
    hit = _CARD_INFO.get(number)
    if hit is not None and time.monotonic() - hit[0] < _CARD_INFO_TTL:
        return hit[1]
    row = (
        await Card.select(
            Card.id,
            Card.number,
            Card.valid_until,
            Card.services,
            Card.holder_id.display_name.as_alias("holder_name"),
            Card.enterprise_id.name.as_alias("enterprise_name"),
        )
        .where(Card.number == number)
        .first()
    )
    info = (
        CardInfo(
            id=row["id"],
            number=row["number"],
            valid_until=row["valid_until"],
            services=[x for x in row["services"].split(",") if x],
            holder_name=row["holder_name"] or "",
            enterprise_name=row["enterprise_name"] or "",
        )
        if row
        else None
    )
    _CARD_INFO[number] = (time.monotonic(), info)
    if len(_CARD_INFO) > _CHECKED_MAX:
        _CARD_INFO.popitem(last=False)
    return info


def forget_card(number: str) -> None:
    """Drop a card's cached details (its validity changed)."""
    _CARD_INFO.pop(number, None)


async def _status(card: CardInfo | None) -> int | None:
    if card is None:
        return None
    row = await Card.select(Card.status).where(Card.id == card.id).first()
    return STATUS_VALUE.get(row["status"]) if row else None


async def judge_online(*, token: str, actor: Actor) -> Judged:
    """The verdict on `token` at the actor's service point, now, assuming the card is active.

    A verdict that is already invalid is final here (the card's status read to give the right
    reason); a valid one is settled by `record`, which redeems only while the card is active.
    """
    global _last_unknown_refresh
    service = await _service_of(actor)
    ring = await keys.ring()
    checked = _cached_check(token, ring)
    if checked is Reason.UNKNOWN_KEY and time.monotonic() - _last_unknown_refresh > 1.0:
        # Perhaps another process rotated the key a moment ago: look once, at most every second.
        _last_unknown_refresh = time.monotonic()
        ring = await keys.ring(max_age=0)
        checked = _cached_check(token, ring)
    if isinstance(checked, Reason):
        return Judged(Verdict(checked), None, service)
    card = await _card_info(checked.number)
    now = int(clock.now().timestamp())
    assumed = judge(checked, now=now, status=VALID if card else None, service=service)
    if not assumed.valid:
        return Judged(judge(checked, now=now, status=await _status(card), service=service), card, service)
    return Judged(assumed, card, service)


def _card_out(card: CardInfo | None) -> s.VerifiedCard | None:
    if card is None:
        return None
    return s.VerifiedCard(
        number=card.number,
        holder_name=card.holder_name,
        enterprise_name=card.enterprise_name,
        services=list(card.services),
        valid_until=card.valid_until,
    )


def _reply(verdict: Verdict, card: CardInfo | None, redemption_id: str | None = None) -> s.VerificationRead:
    # An invalid token's card is shown only when the token was genuinely ours (signature checked).
    shown = card if verdict.checked is not None else None
    metrics.verdict(verdict.result, verdict.reason.value if verdict.reason else None)
    return s.VerificationRead(
        result=verdict.result,
        reason=verdict.reason.value if verdict.reason else None,
        card=_card_out(shown),
        redemption_id=redemption_id,
    )


# One statement redeems only a card that is active at that instant: no read-then-write race with
# a revocation, and one round trip for the common case.
_REDEEM = (
    "INSERT INTO card_redemptions (id, card_id, service_point_id, staff_id, service, token_kind, at) "
    "SELECT {}, id, {}, {}, {}, {}, {} FROM cards WHERE id = {} AND status = 'active' RETURNING id"
)
# PostgreSQL does not infer a SELECT list's parameter types from the INSERT's columns.
_REDEEM_PG = _REDEEM.replace(
    "SELECT {}, id, {}, {}, {}, {}, {}",
    "SELECT {}::uuid, id, {}::uuid, {}::uuid, {}::varchar, {}::varchar, {}::timestamptz",
)


async def record(*, judged: Judged, actor: Actor) -> s.VerificationRead:
    """Settle a verdict inside the caller's transaction: redeem a valid one, write nothing otherwise.

    A card suspended or revoked since `judge_online` turns the verdict invalid; a presentation
    token's `jti` is claimed once (a second claim, from any process, is `replayed`).
    """
    verdict, card = judged.verdict, judged.card
    if not verdict.valid or card is None or verdict.checked is None:
        return _reply(verdict, card)
    now = clock.now()
    checked = verdict.checked
    redemption_id = new_id()
    redeemed = await Card.raw(
        _REDEEM if db.is_sqlite() else _REDEEM_PG,
        redemption_id,
        uuid.UUID(actor.service_point_id),
        uuid.UUID(actor.id),
        judged.service,
        checked.kind,
        now,
        card.id,
    )
    if not redeemed:
        late = judge(checked, now=int(now.timestamp()), status=await _status(card), service=judged.service)
        return _reply(late, card)
    if checked.kind == "presentation":
        claimed = (
            await UsedPresentation.insert(
                UsedPresentation(
                    id=new_id(),
                    jti=checked.claims["jti"],
                    card_id=card.id,
                    used_at=now,
                    expires_at=dt.datetime.fromtimestamp(checked.claims["exp"], dt.UTC),
                )
            )
            .on_conflict(target=UsedPresentation.jti, action="DO NOTHING")
            .returning(UsedPresentation.id)
        )
        if not claimed:
            await Redemption.delete().where(Redemption.id == redemption_id)
            return _reply(Verdict(Reason.REPLAYED, checked), card)
    return _reply(verdict, card, str(redemption_id))


async def verify(*, token: str, actor: Actor) -> s.VerificationRead:
    """judge_online + record, for callers that already hold a transaction."""
    return await record(judged=await judge_online(token=token, actor=actor), actor=actor)


# -- redemption lists ------------------------------------------------------------------------------


def parse_bound(raw: str | None, field: str, *, end: bool) -> dt.datetime | None:
    """A `from`/`to` filter: an ISO timestamp with offset, or a date (a whole Asia/Shanghai day)."""
    if raw is None or len(raw) != 10:
        return inputs.parse_instant(raw, field)
    day = inputs.parse_date(raw, field) + dt.timedelta(days=1 if end else 0)
    return dates.midnight(day)


_R_COLUMNS = (
    Redemption.id,
    Redemption.card_id,
    Redemption.card_id.number.as_alias("card_number"),
    Redemption.service_point_id,
    Redemption.staff_id,
    Redemption.service,
    Redemption.token_kind,
    Redemption.at,
    Redemption.service_point_id.name.as_alias("service_point_name"),
    Redemption.card_id.holder_id.display_name.as_alias("holder_name"),
    Redemption.card_id.enterprise_id.name.as_alias("enterprise_name"),
)


def _redemption(r: dict[str, Any]) -> s.RedemptionRead:
    return s.RedemptionRead(
        id=str(r["id"]),
        card_id=str(r["card_id"]),
        card_number=r["card_number"],
        service_point_id=str(r["service_point_id"]),
        staff_id=str(r["staff_id"]),
        service=Service(r["service"]),
        token_kind=r["token_kind"],
        at=r["at"],
        service_point_name=r["service_point_name"] or "",
        holder_name=mask_name(r["holder_name"] or ""),
        enterprise_name=r["enterprise_name"] or "",
    )


async def list_redemptions(
    *,
    actor: Actor,
    card_id: str | None = None,
    service: Service | None = None,
    service_point_id: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    limit: int,
    cursor: str | None,
) -> tuple[list[s.RedemptionRead], str | None]:
    """Redemptions the actor may see (admin: their district's service points; holder: own card;
    service staff: their own service point's, and naming another point is 403)."""
    query = Redemption.select(*_R_COLUMNS)
    if actor.role == Role.ENTREPRENEUR:
        query = query.where(Redemption.card_id.holder_id == uuid.UUID(actor.id))
    elif actor.role == Role.SERVICE_STAFF:
        own = parse_id(actor.service_point_id or "")
        if own is None:
            raise Forbidden("Your account is not linked to a service point.", code="no_service_point")
        if service_point_id is not None and parse_id(service_point_id) != own:
            raise Forbidden("Staff see only their own service point's redemptions.", code="out_of_scope")
        query = query.where(Redemption.service_point_id == own)
    elif actor.role != Role.ADMIN:
        query = query.where(Redemption.id.is_null())
    elif actor.district is not None:
        query = query.where(Redemption.service_point_id.district == actor.district)
    if card_id is not None:
        query = query.where(Redemption.card_id == parse_id(card_id))
    if service is not None:
        query = query.where(Redemption.service == service.value)
    if service_point_id is not None:
        value = parse_id(service_point_id)
        query = query.where(Redemption.service_point_id == value) if value else query.where(Redemption.id.is_null())
    start, end = parse_bound(from_, "from", end=False), parse_bound(to, "to", end=True)
    if start is not None:
        query = query.where(Redemption.at >= start)
    if end is not None:
        query = query.where(Redemption.at < end if to and len(to) == 10 else Redemption.at <= end)
    rows, next_cursor = await page_by_id(query, Redemption.id, limit=limit, cursor=cursor)
    return [_redemption(r) for r in rows], next_cursor


# -- retention -------------------------------------------------------------------------------------


async def purge_used_presentations(*, before: dt.datetime) -> int:
    """Delete the claims of presentation tokens that expired before `before` (an expired token is
    refused as expired, so its `jti` need not be remembered)."""
    return await db.delete_in_batches(UsedPresentation, UsedPresentation.expires_at < before)
