"""Aggregate SQL that SQLite and PostgreSQL both run, for the figures each domain exposes
(`backend/<domain>/report.py`) and the reports compose.

Aggregates are plain SQL (`SUM(CASE ...)`, `COUNT(DISTINCT ...)`, `GROUP BY`); parameters are
Piccolo placeholders `{}`. The database does the counting: Python only merges a handful of
grouped rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from piccolo.querystring import QueryString

from backend.platform import db


async def rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run one statement on the app's engine (inside the caller's transaction, if any)."""
    return [dict(r) for r in await db.engine().run_querystring(QueryString(sql, *args))]  # asyncpg: Records


def n(value: Any) -> int:
    """An aggregate as int (SUM over no rows is NULL; PostgreSQL sums bigints as numeric)."""
    return int(value or 0)


def rate(numerator: Any, denominator: Any) -> float:
    """numerator / denominator rounded to 4 places (0.0 when there is nothing to rate)."""
    d = n(denominator)
    return round(n(numerator) / d, 4) if d else 0.0


def in_list(values: Sequence[str]) -> str:
    """A SQL `IN` list of fixed words (enum values, never user input): `('a', 'b')`, sorted."""
    if not values or any("'" in v for v in values):
        raise ValueError(f"not a list of plain words: {values!r}")
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


def prefix(alias: str) -> str:
    """`alias.` for a column reference, or nothing for an unaliased table."""
    return f"{alias}." if alias else ""


def key(by: str | None) -> tuple[str, str]:
    """The `<by> AS key, ` select item and the ` GROUP BY <by>` clause (both empty for no grouping)."""
    return (f"{by} AS key, ", f" GROUP BY {by}") if by else ("", "")


def day(value: dt.date) -> Any:
    """A date parameter comparable with the engine's own date expression (see `shanghai_day`)."""
    return value.isoformat() if db.is_sqlite() else value


def shanghai_day(column: str) -> str:
    """SQL for the Asia/Shanghai business date of a timestamptz column (UTC+8, no DST): the
    database's side of `backend.platform.dates.business_date`."""
    if db.is_sqlite():
        return f"date({column}, '+8 hours')"
    return f"CAST(({column} AT TIME ZONE 'Asia/Shanghai') AS DATE)"


def values_table(name: str, columns: Sequence[str], types: Sequence[str], data: list[tuple]) -> tuple[str, list[Any]]:
    """A `WITH name(columns) AS (VALUES ...)` clause for small reference data, and its args."""
    if db.is_sqlite():
        cell = ["{}"] * len(columns)
    else:
        cell = [f"CAST({{}} AS {t})" for t in types]
    row = "(" + ", ".join(cell) + ")"
    sql = f"{name}({', '.join(columns)}) AS (VALUES " + ", ".join([row] * len(data)) + ")"
    return sql, [v for r in data for v in r]


def where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""
