"""A card's status now, derived once: the stored status (active, suspended, revoked) and its
validity. Revoked is final; otherwise a card past `valid_until` is expired, whatever was stored.

`derived_status` answers for one card in Python; `condition` is the same rule as SQL, for lists
(through `where`) and reports. A test holds the two renderings to agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.columns.combination import WhereRaw

from backend.cards.schemas import CardStatus
from backend.platform.sql import prefix

REVOKED = CardStatus.REVOKED.value


def derived_status(status: str, valid_until: dt.datetime, now: dt.datetime) -> CardStatus:
    """The status people see at `now`, from the stored status and the validity."""
    if status != REVOKED and valid_until <= now:
        return CardStatus.EXPIRED
    return CardStatus(status)


def condition(status: CardStatus, now: dt.datetime, alias: str = "cards") -> tuple[str, list[Any]]:
    """SQL (over cards `alias`) true when the card's status at `now` is `status`, and its parameters."""
    a = prefix(alias)
    if status == CardStatus.REVOKED:
        return f"{a}status = '{REVOKED}'", []
    if status == CardStatus.EXPIRED:
        return f"({a}status <> '{REVOKED}' AND {a}valid_until <= {{}})", [now]
    return f"({a}status = '{status.value}' AND {a}valid_until > {{}})", [now]


def live(now: dt.datetime, alias: str = "cards") -> tuple[str, list[Any]]:
    """SQL true for a card still in use at `now`: not revoked and not expired (active or suspended)."""
    a = prefix(alias)
    return f"({a}status <> '{REVOKED}' AND {a}valid_until > {{}})", [now]


def where(sql_and_args: tuple[str, list[Any]]) -> WhereRaw:
    """A `condition` or `live` as a Piccolo where-clause on the Card table."""
    sql, args = sql_and_args
    return WhereRaw(sql, *args)
