"""The summary report of API.md: one figure set for a period and an optional district, composed
from the figures each domain exposes (`issues.report`, `visits.report`, `cards.report`)."""

from __future__ import annotations

import asyncio

from backend.cards import report as cards
from backend.issues import report as issues
from backend.orgs.schemas import Service
from backend.platform import clock, money
from backend.platform.sql import rate
from backend.reports import schemas as s
from backend.reports.params import Period
from backend.visits import report as visits


def period_read(period: Period) -> s.PeriodRead:
    return s.PeriodRead(from_=period.first.isoformat(), to=period.last.isoformat())


def issue_figures(c: issues.IssueCounts | None) -> s.IssueFigures:
    c = c or issues.IssueCounts()
    return s.IssueFigures(
        received=c.received,
        on_spot=c.on_spot,
        assigned=c.assigned,
        transferred=c.transferred,
        redirected=c.redirected,
        resolved=c.resolved,
        open=c.open,
        overdue=c.overdue,
        on_time_rate=rate(c.on_time, c.with_deadline),
        satisfaction_rate=rate(c.satisfied, c.feedback),
    )


def card_figures(c: cards.CardCounts) -> s.CardFigures:
    return s.CardFigures(issued=c.issued, active=c.active, suspended=c.suspended, revoked=c.revoked, expired=c.expired)


async def summary(*, period: Period, district: str | None) -> s.Summary:
    """Every figure of the summary, each from one aggregate query."""
    now = clock.now()
    span = {"start": period.start, "end": period.end, "district": district}
    # Independent queries: on PostgreSQL they run side by side on pooled connections.
    (issue_counts,), (visit_counts,), (card_counts,), used, chambers = await asyncio.gather(
        issues.counts(**span, now=now),
        visits.counts(**span),
        cards.counts(**span, now=now),
        cards.redemption_counts(**span, by="service"),
        visits.chamber_progress(years=period.years(), district=district),
    )
    by_service = {service.value: 0 for service in Service}
    for row in used:
        by_service[str(row.key)] = row.total
    return s.Summary(
        period=period_read(period),
        district=district,
        enterprises_visited=visit_counts.enterprises,
        visits=visit_counts.visits,
        issues=issue_figures(issue_counts),
        financing_coordinated=money.render(visit_counts.financing_fen),
        hires_helped=visit_counts.hires,
        cards=card_figures(card_counts),
        redemptions=s.RedemptionFigures(total=sum(by_service.values()), by_service=by_service),
        chambers=s.ChamberFigures(planned_visits=chambers.planned, completed_visits=chambers.completed),
    )
