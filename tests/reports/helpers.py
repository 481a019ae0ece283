"""A hand-counted data set for the reports (March 2026, two districts), inserted row by row so
every figure below can be checked by reading this file. The expected figures are in the tests."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

from backend.cards.tables import Card, Redemption
from backend.issues.tables import Issue
from backend.platform import clock, dates
from backend.platform.ids import new_id
from backend.visits.tables import ChamberPlan, Visit

A, B = "鼓楼区", "台江区"
NOW = dt.datetime(2026, 4, 10, 12, 0, tzinfo=dates.SHANGHAI)
PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}
_numbers = itertools.count(1)


def sh(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dates.SHANGHAI)


@dataclass
class Data:
    ids: dict[str, Any] = field(default_factory=dict)
    callers: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.ids[key]


async def _visit(
    leader: str, district: str, at: dt.datetime, *, enterprise=None, chamber=None, fen=0, hires=0
) -> uuid.UUID:
    row = Visit(
        id=new_id(),
        enterprise_id=enterprise,
        chamber_id=chamber,
        leader_id=uuid.UUID(leader),
        logged_by=uuid.UUID(leader),
        district=district,
        visited_at=at,
        summary="走访",
        financing_fen=fen,
        hires_helped=hires,
        created_at=at,
    )
    await Visit.insert(row)
    return row.id


async def _issue(
    enterprise,
    district,
    reported,
    *,
    disposition=None,
    status="open",
    department=None,
    due=None,
    assigned=None,
    responded=None,
    resolved=None,
    satisfied=None,
    visit=None,
) -> None:
    await Issue.insert(
        Issue(
            id=new_id(),
            enterprise_id=uuid.UUID(enterprise),
            district=district,
            visit_id=visit,
            title="问题",
            description="",
            category="其他",
            disposition=disposition,
            status=status,
            department_id=uuid.UUID(department) if department else None,
            due_at=due,
            reported_at=reported,
            created_by=uuid.uuid4(),
            created_at=reported,
            updated_at=reported,
            assigned_at=assigned,
            first_response_at=responded,
            resolved_at=resolved,
            closed_at=resolved if status == "closed" else None,
            satisfied=satisfied,
            feedback_at=reported if satisfied is not None else None,
            version=1,
        )
    )


async def _card(holder: str, enterprise: str, status: str, issued: dt.datetime, valid_until: dt.datetime) -> uuid.UUID:
    k = next(_numbers)
    row = Card(
        id=new_id(),
        number=f"GC-T-{k:06d}",
        holder_id=uuid.UUID(holder),
        enterprise_id=uuid.UUID(enterprise),
        services="education,medical",
        status=status,
        valid_from=issued,
        valid_until=valid_until,
        issued_at=issued,
        updated_at=issued,
        status_list=1,
        status_idx=k,
    )
    await Card.insert(row)
    return row.id


async def _redeem(card, point, service: str, at: dt.datetime) -> None:
    await Redemption.insert(
        Redemption(
            id=new_id(),
            card_id=card,
            service_point_id=uuid.UUID(point),
            staff_id=uuid.uuid4(),
            service=service,
            token_kind="card",
            at=at,
        )
    )


async def march(factory) -> Data:
    """The data set; see the tests for the figures it must give."""
    d = Data()
    e1, e2 = await factory.enterprise(district=A), await factory.enterprise(district=A)
    e3 = await factory.enterprise(district=B)
    d1, d2 = await factory.department("住建局"), await factory.department("市场监管局")
    d3 = await factory.department("自然资源局")
    l1 = await factory.user("leader", district=A, display_name="张书记")
    l2 = await factory.user("leader", display_name="李市长")
    l3 = await factory.user("leader", district=B, display_name="王区长")
    c1, c2 = await factory.chamber(district=B), await factory.chamber(district=A)
    d.ids |= {
        "e1": e1.id,
        "e2": e2.id,
        "e3": e3.id,
        "d1": d1.id,
        "d2": d2.id,
        "d3": d3.id,
        "l1": l1.id,
        "l2": l2.id,
        "l3": l3.id,
    }

    v1 = await _visit(l1.id, A, sh(3, 2, 10), enterprise=uuid.UUID(e1.id), fen=1_280_000_005, hires=10)
    v2 = await _visit(l1.id, A, sh(3, 15), enterprise=uuid.UUID(e1.id), hires=2)
    v3 = await _visit(l2.id, B, sh(3, 31, 23, 30), enterprise=uuid.UUID(e3.id), fen=99)
    await _visit(l2.id, A, sh(4, 1, 0, 0), enterprise=uuid.UUID(e2.id), fen=500, hires=5)  # after the period
    await _visit(l2.id, B, sh(2, 28, 23, 59), enterprise=uuid.UUID(e3.id), fen=7)  # before it
    await _visit(l2.id, B, sh(3, 10), chamber=uuid.UUID(c1.id))  # toward L2's plan
    await _visit(l1.id, B, sh(3, 11), chamber=uuid.UUID(c1.id))  # L1 has no plan for c1
    for leader, chamber, year, planned in ((l2, c1, 2026, 4), (l1, c2, 2026, 3), (l1, c1, 2025, 9)):
        await ChamberPlan.insert(
            ChamberPlan(
                id=new_id(),
                leader_id=uuid.UUID(leader.id),
                chamber_id=uuid.UUID(chamber.id),
                year=year,
                planned_visits=planned,
                created_by=uuid.uuid4(),
                created_at=sh(1, 1),
            )
        )

    await _issue(
        e1.id,
        A,
        sh(3, 2, 10),
        disposition="on_spot",
        status="resolved",
        resolved=sh(3, 2, 10),
        satisfied=True,
        visit=v1,
    )
    await _issue(
        e1.id,
        A,
        sh(3, 2, 10),
        disposition="assigned",
        status="closed",
        department=d1.id,
        due=sh(3, 10, 23, 59),
        assigned=sh(3, 2, 10),
        responded=sh(3, 3, 9),
        resolved=sh(3, 8),
        satisfied=False,
        visit=v1,
    )
    await _issue(
        e2.id,
        A,
        sh(3, 2, 11),
        disposition="assigned",
        status="resolved",
        department=d1.id,
        due=sh(3, 5, 23, 59),
        assigned=sh(3, 2, 11),
        responded=sh(3, 4, 9),
        resolved=sh(3, 7),
        visit=v2,
    )
    await _issue(
        e2.id,
        A,
        sh(3, 6, 17),
        disposition="assigned",
        status="in_progress",
        department=d2.id,
        due=sh(3, 20, 23, 59),
        assigned=sh(3, 6, 17),
        responded=sh(3, 9, 10),
    )
    await _issue(
        e3.id,
        B,
        sh(3, 31, 10),
        disposition="assigned",
        status="assigned",
        department=d2.id,
        due=sh(4, 20, 23, 59),
        assigned=sh(3, 31, 10),
        visit=v3,
    )
    await _issue(e3.id, B, sh(3, 12), disposition="transferred", status="transferred")
    await _issue(e3.id, B, sh(3, 13), disposition="redirected", status="redirected")
    await _issue(e1.id, A, sh(3, 1, 0, 0))  # an owner's issue awaiting dispatch, first moment of the period
    await _issue(
        e1.id,
        A,
        sh(4, 1, 0, 0),
        disposition="assigned",
        status="assigned",
        department=d1.id,
        due=sh(4, 3),
        assigned=sh(4, 1, 0, 0),
    )  # after the period
    await _issue(e3.id, B, sh(2, 28, 23, 59), disposition="on_spot", status="resolved", resolved=sh(2, 28, 23, 59))

    h1 = await factory.user("entrepreneur", enterprise_id=e1.id)
    h2 = await factory.user("entrepreneur", enterprise_id=e2.id)
    h3 = await factory.user("entrepreneur", enterprise_id=e3.id)
    h4 = await factory.user("entrepreneur", enterprise_id=e3.id)
    h5 = await factory.user("entrepreneur", enterprise_id=e1.id)
    k1 = await _card(h1.id, e1.id, "active", sh(3, 5), sh(3, 5, year=2029))
    await _card(h2.id, e2.id, "suspended", sh(1, 5), sh(1, 5, year=2029))
    k3 = await _card(h3.id, e3.id, "revoked", sh(3, 20), sh(3, 20, year=2029))
    await _card(h4.id, e3.id, "active", sh(4, 1, year=2023), sh(4, 1))  # expired
    await _card(h5.id, e1.id, "suspended", sh(4, 5, year=2023), sh(4, 5))  # expired
    medical = await factory.service_point(service="medical", district=A)
    education = await factory.service_point(service="education", district=B)
    await _redeem(k1, medical.id, "medical", sh(3, 3))
    await _redeem(k1, medical.id, "medical", sh(3, 31, 23, 59))
    await _redeem(k3, education.id, "education", sh(3, 10))
    await _redeem(k1, medical.id, "medical", sh(4, 1, 0, 0))  # after the period
    clock.set_now(NOW)
    return d
