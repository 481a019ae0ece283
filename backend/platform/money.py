"""Money: integer fen in the database, an exact decimal string of yuan in the API ("12800000.50"),
and 万元 (ten thousand yuan) where the office reads figures (the xlsx exports). One module, so the
three never drift apart.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from backend.platform.errors import ValidationFailed

# Plain decimal notation only: no sign, no exponent, at most two decimal places.
_MONEY = re.compile(r"(?P<yuan>[0-9]{1,15})(?:\.(?P<fen>[0-9]{1,2}))?")


def parse_fen(text: str, *, field: str) -> int:
    """'12800000.5' -> 1280000050 fen; negatives, exponents and over two decimals are refused."""
    match = _MONEY.fullmatch(text)
    if match is None:
        raise ValidationFailed(
            'Give money as a non-negative decimal string with at most two decimal places, e.g. "12800000.00".',
            field=field,
            code="invalid_money",
        )
    return int(match["yuan"]) * 100 + int((match["fen"] or "0").ljust(2, "0"))


def fen(value: Any) -> int:
    """An amount in fen as int: a database sum (None over no rows; PostgreSQL sums bigints as numeric)."""
    return int(value or 0)


def render(amount: Any) -> str:
    """Fen as the API's exact decimal string of yuan: 1280000050 -> '12800000.50', None -> '0.00'."""
    whole = fen(amount)
    sign, whole = ("-", -whole) if whole < 0 else ("", whole)
    return f"{sign}{whole // 100}.{whole % 100:02d}"


def wan(text: str) -> Decimal:
    """The API's decimal string of yuan in 万元, exact: '3197880000.00' -> Decimal('319788.0000')."""
    return Decimal(text) / 10_000
