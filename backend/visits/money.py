"""Money as exact decimal strings in the API and integer fen in the database."""

from __future__ import annotations

import re

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


def render(fen: int) -> str:
    """1280000050 -> '12800000.50'."""
    return f"{fen // 100}.{fen % 100:02d}"
