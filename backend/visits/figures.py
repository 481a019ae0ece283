"""Visit figures for the summary report: visits, enterprises visited, financing, hires."""

from __future__ import annotations

import datetime as dt

import msgspec
from piccolo.query.functions.aggregate import Count, Sum

from backend.platform import clock
from backend.visits import money
from backend.visits.tables import Visit


class VisitTotals(msgspec.Struct):
    visits: int
    enterprises_visited: int
    financing_fen: int
    financing_coordinated: str  # decimal string, e.g. "12800000.00"
    hires_helped: int


async def visit_totals(*, start: dt.date, end: dt.date, district: str | None = None) -> VisitTotals:
    """Totals over visits whose `visited_at` falls on `start`..`end` (inclusive, Asia/Shanghai)."""
    lower = dt.datetime.combine(start, dt.time(), tzinfo=clock.SHANGHAI).astimezone(dt.UTC)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=clock.SHANGHAI).astimezone(dt.UTC)
    where = (Visit.visited_at >= lower) & (Visit.visited_at < upper)
    if district is not None:
        where = where & (Visit.district == district)
    row = (
        await Visit.select(
            Count(alias="visits"),
            Count(distinct=[Visit.enterprise_id], alias="enterprises"),
            Sum(Visit.financing_fen, alias="fen"),
            Sum(Visit.hires_helped, alias="hires"),
        ).where(where)
    )[0]
    fen = int(row["fen"] or 0)
    return VisitTotals(
        visits=int(row["visits"]),
        enterprises_visited=int(row["enterprises"] or 0),
        financing_fen=fen,
        financing_coordinated=money.render(fen),
        hires_helped=int(row["hires"] or 0),
    )
