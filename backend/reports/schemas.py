"""Report shapes: the summary of API.md, and the rows of each breakdown."""

from __future__ import annotations

import msgspec


class PeriodRead(msgspec.Struct):
    from_: str = msgspec.field(name="from")
    to: str = ""


class IssueFigures(msgspec.Struct):
    received: int
    on_spot: int
    assigned: int
    transferred: int
    redirected: int
    resolved: int
    open: int
    overdue: int
    on_time_rate: float
    satisfaction_rate: float


class CardFigures(msgspec.Struct):
    issued: int
    active: int
    suspended: int
    revoked: int
    expired: int


class RedemptionFigures(msgspec.Struct):
    total: int
    by_service: dict[str, int]


class ChamberFigures(msgspec.Struct):
    planned_visits: int
    completed_visits: int


class Summary(msgspec.Struct):
    period: PeriodRead
    district: str | None
    enterprises_visited: int
    visits: int
    issues: IssueFigures
    financing_coordinated: str
    hires_helped: int
    cards: CardFigures
    redemptions: RedemptionFigures
    chambers: ChamberFigures


class DistrictRow(msgspec.Struct):
    district: str
    enterprises_visited: int
    visits: int
    financing_coordinated: str
    hires_helped: int
    issues_received: int
    issues_resolved: int
    issues_open: int
    issues_overdue: int
    on_time_rate: float
    satisfaction_rate: float
    cards_issued: int
    cards_active: int
    redemptions: int


class LeaderRow(msgspec.Struct):
    leader_id: str
    name: str
    district: str | None
    visits: int
    enterprises_visited: int
    issues_raised: int
    issues_solved: int
    financing_coordinated: str
    hires_helped: int


class DepartmentRow(msgspec.Struct):
    rank: int
    department_id: str
    name: str
    issues_assigned: int
    issues_resolved: int
    issues_open: int
    issues_overdue: int
    response_rate: float
    on_time_rate: float
    satisfaction_rate: float


class Breakdown(msgspec.Struct):
    """One table of a breakdown, for a period and an optional district."""

    period: PeriodRead
    district: str | None
    items: list


class DistrictBreakdown(Breakdown):
    items: list[DistrictRow]


class LeaderBreakdown(Breakdown):
    items: list[LeaderRow]


class DepartmentLeague(Breakdown):
    items: list[DepartmentRow]
