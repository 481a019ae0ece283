"""The summary report of API.md: one figure set for a period and an optional district."""

from __future__ import annotations

import asyncio
from typing import Any

from backend.orgs.schemas import Service
from backend.platform import clock
from backend.reports import figures
from backend.reports import schemas as s
from backend.reports.params import Period
from backend.reports.sql import money, n, rate


def period_read(period: Period) -> s.PeriodRead:
    return s.PeriodRead(from_=period.first.isoformat(), to=period.last.isoformat())


def issue_figures(row: dict[str, Any] | None) -> s.IssueFigures:
    row = row or {}
    return s.IssueFigures(
        received=n(row.get("received")),
        on_spot=n(row.get("on_spot")),
        assigned=n(row.get("assigned")),
        transferred=n(row.get("transferred")),
        redirected=n(row.get("redirected")),
        resolved=n(row.get("resolved")),
        open=n(row.get("open")),
        overdue=n(row.get("overdue")),
        on_time_rate=rate(row.get("on_time"), row.get("with_deadline")),
        satisfaction_rate=rate(row.get("satisfied"), row.get("feedback")),
    )


async def summary(*, period: Period, district: str | None) -> s.Summary:
    """Every figure of the summary, each from one aggregate query."""
    now = clock.now()
    # Independent queries: on PostgreSQL they run side by side on pooled connections.
    issues, visits, cards, used, (planned, completed) = await asyncio.gather(
        figures.issues(period, district, now),
        figures.visits(period, district),
        figures.cards(period, district, now),
        figures.redemptions(period, district),
        figures.chambers(period, district),
    )
    issues, visits, cards = issues[0], visits[0], cards[0]
    by_service = {service.value: 0 for service in Service}
    for row in used:
        by_service[row["key"]] = n(row["total"])
    return s.Summary(
        period=period_read(period),
        district=district,
        enterprises_visited=n(visits["enterprises"]),
        visits=n(visits["visits"]),
        issues=issue_figures(issues),
        financing_coordinated=money(visits["financing_fen"]),
        hires_helped=n(visits["hires"]),
        cards=s.CardFigures(
            issued=n(cards["issued"]),
            active=n(cards["active"]),
            suspended=n(cards["suspended"]),
            revoked=n(cards["revoked"]),
            expired=n(cards["expired"]),
        ),
        redemptions=s.RedemptionFigures(total=sum(by_service.values()), by_service=by_service),
        chambers=s.ChamberFigures(planned_visits=planned, completed_visits=completed),
    )
