"""Report parameters: the period (inclusive Shanghai business dates -> UTC instants), the
district a caller may ask for, and the output format."""

from __future__ import annotations

import datetime as dt
import enum

import msgspec

from backend.platform import dates, inputs
from backend.platform.actor import Actor
from backend.platform.errors import Forbidden, ValidationFailed

MAX_DAYS = 3 * 366  # a longer range is a mistake, and a slow one at provincial scale


class Format(enum.StrEnum):
    JSON = "json"
    XLSX = "xlsx"
    CSV = "csv"


class Period(msgspec.Struct, frozen=True):
    """Business dates `first`..`last` inclusive, and the UTC instants [start, end) they cover."""

    first: dt.date
    last: dt.date
    start: dt.datetime
    end: dt.datetime

    def years(self) -> list[tuple[int, dt.datetime, dt.datetime]]:
        """(year, start, end) for each Shanghai calendar year the period touches, clipped to it."""
        out = []
        for year in range(self.first.year, self.last.year + 1):
            lo, hi = dates.year_bounds(year)
            out.append((year, max(self.start, lo), min(self.end, hi)))
        return out


def _date(value: str | None, field: str) -> dt.date:
    day = inputs.parse_date(value or None, field)
    if day is None:
        raise ValidationFailed(f"`{field}` is required (YYYY-MM-DD).", field=field, code="date_required")
    return day


def period(first: str | None, last: str | None) -> Period:
    """The period of `from`..`to` (both inclusive), or ValidationFailed."""
    a, b = _date(first, "from"), _date(last, "to")
    if a > b:
        raise ValidationFailed("`from` must not be after `to`.", field="from", code="invalid_period")
    if (b - a).days + 1 > MAX_DAYS:
        raise ValidationFailed(f"A report covers at most {MAX_DAYS} days.", field="to", code="period_too_long")
    start, end = dates.day_bounds(a, b)
    return Period(first=a, last=b, start=start, end=end)


def output_format(value: str | None) -> Format:
    try:
        return Format(value or "json")
    except ValueError:
        raise ValidationFailed("`format` is one of json, xlsx, csv.", field="format", code="invalid_format") from None


def district_for(actor: Actor, district: str | None) -> str | None:
    """The district to report on: a scoped caller gets their own (another one is 403)."""
    district = district.strip() if district else None
    if actor.district is None:
        return district or None
    if district and district != actor.district:
        raise Forbidden("That district is outside your scope.", code="out_of_scope")
    return actor.district
