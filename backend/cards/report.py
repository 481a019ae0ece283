"""The card figures reports are built from: cards issued and every card by its status now (as
`status.condition` derives it), and redemptions (valid scans) by service or district."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import msgspec

from backend.cards import status
from backend.cards.schemas import CardStatus
from backend.platform.sql import key, n, rows, where


class CardCounts(msgspec.Struct, kw_only=True):
    key: str | None = None  # a district; None when ungrouped
    issued: int = 0  # issued in the period
    active: int = 0  # every card by its status now
    suspended: int = 0
    revoked: int = 0
    expired: int = 0


class KeyCount(msgspec.Struct):
    key: str | None  # a service, or a service point's district
    total: int


async def counts(
    *,
    start: dt.datetime,
    end: dt.datetime,
    district: str | None,
    now: dt.datetime,
    by: Literal["district"] | None = None,
) -> list[CardCounts]:
    """Cards issued in [start, end), and every card by its status at `now`; district: the
    enterprise's (one row, or one per district)."""
    select, group = key(by and f"e.{by}")
    columns = ["SUM(CASE WHEN c.issued_at >= {} AND c.issued_at < {} THEN 1 ELSE 0 END) AS issued"]
    args: list[Any] = [start, end]
    for value in CardStatus:
        sql, sql_args = status.condition(value, now, alias="c")
        columns.append(f"SUM(CASE WHEN {sql} THEN 1 ELSE 0 END) AS {value.value}")
        args += sql_args
    cond: list[str] = []
    if district:
        cond.append("e.district = {}")
        args.append(district)
    join = " JOIN enterprises e ON e.id = c.enterprise_id" if (district or by) else ""
    found = await rows(f"SELECT {select}{', '.join(columns)} FROM cards c{join}{where(cond)}{group}", *args)
    return [CardCounts(key=r.get("key"), **{k: n(v) for k, v in r.items() if k != "key"}) for r in found]


async def redemption_counts(
    *, start: dt.datetime, end: dt.datetime, district: str | None, by: Literal["service", "district"]
) -> list[KeyCount]:
    """Redemptions in [start, end) counted by service, or by district (the service point's:
    where the service was given); a district narrows to that service point district."""
    column = "p.district" if by == "district" else "r.service"
    cond = ["r.at >= {}", "r.at < {}"]
    args: list[Any] = [start, end]
    if district:
        cond.append("p.district = {}")
        args.append(district)
    join = " JOIN service_points p ON p.id = r.service_point_id" if (district or by == "district") else ""
    found = await rows(
        f"SELECT {column} AS key, COUNT(*) AS total FROM card_redemptions r{join}{where(cond)} GROUP BY {column}",
        *args,
    )
    return [KeyCount(key=r["key"], total=n(r["total"])) for r in found]
