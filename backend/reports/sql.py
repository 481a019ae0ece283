"""Running the reports' aggregate SQL on either engine.

Aggregates are plain SQL (`SUM(CASE ...)`, `COUNT(DISTINCT ...)`, `GROUP BY`) that SQLite and
PostgreSQL both run; parameters are Piccolo placeholders `{}`. The database does the counting:
Python only merges a handful of grouped rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Sequence

from backend.orgs.tables import Enterprise
from backend.platform import db

OPEN = "('open', 'assigned', 'in_progress')"
SOLVED = "('resolved', 'closed')"


async def rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    return await Enterprise.raw(sql, *args).run()


def n(value: Any) -> int:
    """An aggregate as int (SUM over no rows is NULL; PostgreSQL sums bigints as numeric)."""
    return int(value or 0)


def money(fen: Any) -> str:
    """Integer fen as a CNY decimal string, exact: 128 -> "1.28"."""
    return str((Decimal(n(fen)) / 100).quantize(Decimal("0.01")))


def rate(numerator: Any, denominator: Any) -> float:
    """numerator / denominator rounded to 4 places (0.0 when there is nothing to rate)."""
    d = n(denominator)
    return round(n(numerator) / d, 4) if d else 0.0


def day(value: dt.date) -> Any:
    """A date parameter comparable with the engine's own date expression (see `shanghai_day`)."""
    return value.isoformat() if db.is_sqlite() else value


def shanghai_day(column: str) -> str:
    """SQL for the Asia/Shanghai business date of a timestamptz column (UTC+8, no DST)."""
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
