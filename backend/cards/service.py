"""Card issuance and lifecycle: issue, read, list, suspend, reinstate, revoke, renew.

The stored status is active, suspended or revoked; `expired` is derived from valid_until when
read. Every change writes a CardEvent (who, when, why). Revoked is final.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from backend.cards import config, statuslist
from backend.cards import schemas as s
from backend.cards import status as card_status
from backend.cards.status import derived_status
from backend.cards.tables import Card, CardEvent, CardSequence
from backend.cards.verification import forget_card
from backend.orgs.schemas import Service
from backend.orgs.tables import Enterprise, User
from backend.platform import clock, glossary, outbox
from backend.platform.actor import Actor, Role, require_in_scope
from backend.platform.dates import business_date
from backend.platform.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from backend.platform.ids import new_id, parse_id
from backend.platform.outbox import Event
from backend.platform.pagination import page_by_id, plain

SERVICE_ORDER = list(Service)
_COLUMNS = (
    *Card.all_columns(exclude=[Card.credential]),
    Card.holder_id.display_name.as_alias("holder_name"),
    Card.enterprise_id.name.as_alias("enterprise_name"),
    Card.enterprise_id.district.as_alias("district"),
)


def services_text(services: list[Service]) -> str:
    return ",".join(x.value for x in SERVICE_ORDER if x in set(services))


def read(row: dict[str, Any]) -> s.CardRead:
    r = plain(row)
    return s.CardRead(
        id=r["id"],
        number=r["number"],
        holder_id=r["holder_id"],
        enterprise_id=r["enterprise_id"],
        services=[Service(x) for x in r["services"].split(",") if x],
        status=derived_status(r["status"], r["valid_until"], clock.now()),
        valid_from=r["valid_from"],
        valid_until=r["valid_until"],
        issued_at=r["issued_at"],
        batch=r["batch"],
        holder_name=r["holder_name"] or "",
        enterprise_name=r["enterprise_name"] or "",
    )


def _scope(query: Any, actor: Actor) -> Any:
    """Cards the actor may see: the holder their own; staff by district; nobody else any."""
    if actor.role == Role.ENTREPRENEUR:
        return query.where(Card.holder_id == parse_id(actor.id))
    if actor.role not in (Role.ADMIN, Role.SECRETARY, Role.LEADER):
        return query.where(Card.id.is_null())
    if actor.district is not None:
        return query.where(Card.enterprise_id.district == actor.district)
    return query


async def _row(card_id: str, actor: Actor) -> dict[str, Any]:
    value = parse_id(card_id)
    row = value and await _scope(Card.select(*_COLUMNS), actor).where(Card.id == value).first()
    if not row:
        raise NotFound("No such card.", code="card_not_found")
    return row


async def get_card(*, card_id: str, actor: Actor) -> s.CardDetail:
    row = await _row(card_id, actor)
    events = (
        await CardEvent.select().where(CardEvent.card_id == row["id"]).order_by(CardEvent.at).order_by(CardEvent.id)
    )
    history = [
        s.CardEventRead(
            action=e["action"],
            from_status=e["from_status"],
            to_status=e["to_status"],
            actor_id=str(e["actor_id"]),
            at=e["at"],
            reason=e["reason"],
        )
        for e in events
    ]
    return s.CardDetail(**{f: getattr(read(row), f) for f in s.CardRead.__struct_fields__}, history=history)


class CardRow(msgspec.Struct, frozen=True):
    """A card as the signing and rendering modules need it: stored columns (not the credential) and names."""

    id: uuid.UUID
    number: str
    status: str  # as stored: active | suspended | revoked (see `derived_status`)
    services: list[str]  # Service values, in canonical order
    valid_from: dt.datetime
    valid_until: dt.datetime
    holder_name: str
    enterprise_name: str
    status_list: int
    status_idx: int


async def get_card_row(*, card_id: str, actor: Actor) -> CardRow:
    """The card, if the actor may see it."""
    row = await _row(card_id, actor)
    return CardRow(
        id=row["id"],
        number=row["number"],
        status=row["status"],
        services=[x for x in row["services"].split(",") if x],
        valid_from=row["valid_from"],
        valid_until=row["valid_until"],
        holder_name=row["holder_name"] or "",
        enterprise_name=row["enterprise_name"] or "",
        status_list=row["status_list"],
        status_idx=row["status_idx"],
    )


async def my_card(*, actor: Actor) -> s.CardDetail:
    """The holder's current card: the live one, else the latest revoked one."""
    rows = (
        await Card.select(Card.id, Card.status)
        .where(Card.holder_id == parse_id(actor.id))
        .order_by(Card.id, ascending=False)
    )
    if not rows:
        raise NotFound("You have no green card.", code="card_not_found")
    live = [r for r in rows if r["status"] != "revoked"]
    return await get_card(card_id=str((live or rows)[0]["id"]), actor=actor)


async def list_cards(
    *,
    actor: Actor,
    status: s.CardStatus | None,
    batch: str | None,
    enterprise_id: str | None,
    holder_id: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[s.CardRead], str | None]:
    query = _scope(Card.select(*_COLUMNS), actor)
    now = clock.now()
    if status is not None:
        query = query.where(card_status.where(card_status.condition(status, now)))
    if batch:
        query = query.where(Card.batch == batch)
    for column, raw in ((Card.enterprise_id, enterprise_id), (Card.holder_id, holder_id)):
        if raw is not None:
            query = query.where(column == parse_id(raw)) if parse_id(raw) else query.where(Card.id.is_null())
    rows, next_cursor = await page_by_id(query, Card.id, limit=limit, cursor=cursor)
    return [read(r) for r in rows], next_cursor


def _add_years(when: dt.datetime, years: int) -> dt.datetime:
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February
        return when.replace(year=when.year + years, day=28)


def _check_validity_limit(valid_until: dt.datetime, now: dt.datetime) -> None:
    if valid_until > _add_years(now, config.MAX_VALIDITY_YEARS):
        raise ValidationFailed(
            f"A card is valid for at most {config.MAX_VALIDITY_YEARS} years from now.",
            field="valid_until",
            code="validity_too_long",
        )


async def _next_number(year: int) -> str:
    await CardSequence.insert(CardSequence(id=new_id(), year=year, value=0)).on_conflict(
        target=CardSequence.year, action="DO NOTHING"
    )
    rows = (
        await CardSequence.update({CardSequence.value: CardSequence.value + 1})
        .where(CardSequence.year == year)
        .returning(CardSequence.value)
    )
    return f"GC-{year}-{rows[0]['value']:06d}"


async def _record(card_id: uuid.UUID, action: str, before: str | None, after: str, actor: Actor, reason: str) -> None:
    await CardEvent.insert(
        CardEvent(
            id=new_id(),
            card_id=card_id,
            action=action,
            from_status=before,
            to_status=after,
            actor_id=uuid.UUID(actor.id),
            at=clock.now(),
            reason=reason,
        )
    )


async def _has_live_card(holder: uuid.UUID) -> bool:
    return await Card.exists().where((Card.holder_id == holder) & (Card.status != "revoked"))


async def create_card(*, data: s.CardCreate, actor: Actor) -> s.CardDetail:
    """Issue a card; one non-revoked card per holder (409 card_exists)."""
    holder_id, enterprise_id = parse_id(data.holder_id), parse_id(data.enterprise_id)
    holder = holder_id and await User.select(User.role, User.enterprise_id).where(User.id == holder_id).first()
    if not holder or holder["role"] != Role.ENTREPRENEUR.value:
        raise ValidationFailed("The holder must be an entrepreneur's account.", field="holder_id")
    enterprise = (
        enterprise_id and await Enterprise.select(Enterprise.district).where(Enterprise.id == enterprise_id).first()
    )
    if not enterprise:
        raise ValidationFailed("No such enterprise.", field="enterprise_id")
    if holder["enterprise_id"] != enterprise_id:
        raise ValidationFailed("The holder does not belong to that enterprise.", field="enterprise_id")
    require_in_scope(actor, enterprise["district"], "That enterprise")
    now = clock.now()
    valid_from = data.valid_from or now
    valid_until = data.valid_until or _add_years(valid_from, config.VALIDITY_YEARS)
    for name, value in (("valid_from", valid_from), ("valid_until", valid_until)):
        if value.tzinfo is None:
            raise ValidationFailed("Give a timestamp with its offset.", field=name)
    if valid_until <= valid_from or valid_until <= now:
        raise ValidationFailed("valid_until must be after valid_from and in the future.", field="valid_until")
    _check_validity_limit(valid_until, now)
    if await _has_live_card(holder_id):
        raise Conflict("The holder already has a card that is not revoked.", code="card_exists")
    number = await _next_number(business_date(now).year)
    for _ in range(5):
        list_id, idx = await statuslist.allocate()
        card_id = new_id()
        inserted = (
            await Card.insert(
                Card(
                    id=card_id,
                    number=number,
                    holder_id=holder_id,
                    enterprise_id=enterprise_id,
                    services=services_text(data.services),
                    status="active",
                    batch=data.batch,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    issued_at=now,
                    updated_at=now,
                    status_list=list_id,
                    status_idx=idx,
                )
            )
            .on_conflict(action="DO NOTHING")
            .returning(Card.id)
        )
        if inserted:
            break
        if await _has_live_card(holder_id):
            raise Conflict("The holder already has a card that is not revoked.", code="card_exists")
    else:  # pragma: no cover - five random status slots taken in a row
        raise Conflict("Could not allocate a status slot; try again.", code="conflict")
    await _record(card_id, "issue", None, "active", actor, "")
    return await get_card(card_id=str(card_id), actor=actor)


_TRANSITIONS = {
    "suspend": ({"active"}, "suspended"),
    "reinstate": ({"suspended"}, "active"),
    "revoke": ({"active", "suspended"}, "revoked"),
}


async def change_status(*, card_id: str, action: str, reason: str, actor: Actor) -> s.CardDetail:
    """suspend (active -> suspended), reinstate (suspended -> active), revoke (final)."""
    row = await _row(card_id, actor)
    allowed, target = _TRANSITIONS[action]
    if row["status"] not in allowed:
        raise InvalidTransition(f"A {row['status']} card cannot be {action}d.", code="invalid_transition")
    # Compare-and-set: a concurrent change of the same card makes this one fail, not overwrite.
    changed = (
        await Card.update({Card.status: target, Card.updated_at: clock.now()})
        .where((Card.id == row["id"]) & (Card.status == row["status"]))
        .returning(Card.id)
    )
    if not changed:
        raise InvalidTransition("The card changed meanwhile; reload it.", code="invalid_transition")
    await _record(row["id"], action, row["status"], target, actor, reason)
    if target == "revoked":  # announced in this transaction: it exists iff the revocation commits
        await outbox.emit(
            Event.CARD_REVOKED,
            subject_type="card",
            subject_id=str(row["id"]),
            data={
                "number": row["number"],
                "holder_id": str(row["holder_id"]),
                "enterprise_id": str(row["enterprise_id"]),
                "reason": reason,
            },
            text=glossary.EVENTS[Event.CARD_REVOKED].format(
                enterprise=row["enterprise_name"] or "",
                holder=row["holder_name"] or "",
                number=row["number"],
                reason=reason,
            ),
        )
    return await get_card(card_id=card_id, actor=actor)


async def renew(*, card_id: str, data: s.RenewIn, actor: Actor) -> s.CardDetail:
    """Extend the validity; the card gets a new credential (the old one expires at the old date)."""
    row = await _row(card_id, actor)
    if row["status"] == "revoked":
        raise InvalidTransition("A revoked card cannot be renewed.", code="invalid_transition")
    if data.valid_until.tzinfo is None:
        raise ValidationFailed("Give a timestamp with its offset.", field="valid_until")
    if data.valid_until <= clock.now() or data.valid_until <= row["valid_until"]:
        raise ValidationFailed("valid_until must be later than the current validity and now.", field="valid_until")
    _check_validity_limit(data.valid_until, clock.now())
    await Card.update(
        {
            Card.valid_until: data.valid_until,
            Card.updated_at: clock.now(),
            Card.credential: None,
            Card.credential_kid: None,
        }
    ).where(Card.id == row["id"])
    forget_card(row["number"])
    await _record(
        row["id"],
        "renew",
        row["status"],
        row["status"],
        actor,
        data.reason or glossary.NOTES["card_renewed"].format(date=business_date(data.valid_until).isoformat()),
    )
    return await get_card(card_id=card_id, actor=actor)


async def cards_expiring(*, before: dt.datetime) -> list[s.ExpiringCard]:
    """Cards not revoked, still valid now, whose validity ends before `before` (for reminders)."""
    rows = (
        await Card.select(
            Card.id,
            Card.number,
            Card.holder_id,
            Card.enterprise_id,
            Card.valid_until,
            Card.holder_id.display_name.as_alias("holder_name"),
            Card.enterprise_id.name.as_alias("enterprise_name"),
            Card.enterprise_id.district.as_alias("district"),
        )
        .where(card_status.where(card_status.live(clock.now())) & (Card.valid_until <= before))
        .order_by(Card.valid_until)
    )
    return [
        s.ExpiringCard(
            card_id=str(r["id"]),
            number=r["number"],
            holder_id=str(r["holder_id"]),
            enterprise_id=str(r["enterprise_id"]),
            valid_until=r["valid_until"],
            holder_name=r["holder_name"] or "",
            enterprise_name=r["enterprise_name"] or "",
            district=r["district"],
        )
        for r in rows
    ]
