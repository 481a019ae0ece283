"""The demo city's year of activity: assignments, visits with their issues worked through the
issue workflow, chamber plans and visits, and redemptions at the service points."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from rich.progress import Progress

from backend.assignments import service as assignments_service
from backend.assignments.schemas import AssignmentCreate, Mechanism
from backend.assignments.tables import Assignment
from backend.cards.tables import Card, Redemption
from backend.demo import names
from backend.demo.city import City
from backend.issues import service as issues_service
from backend.issues import workflow
from backend.issues.schemas import Action, Disposition, FeedbackIn, IssueCreate, TransitionIn
from backend.issues.tables import Issue
from backend.orgs.tables import Enterprise, User
from backend.platform import clock, dates, db, money
from backend.platform.actor import SYSTEM
from backend.platform.errors import Conflict
from backend.platform.ids import new_id
from backend.visits import plans, visit_log
from backend.visits.schemas import ChamberPlanCreate, VisitCreate, VisitIssueIn
from backend.visits.tables import ChamberPlan, Visit

WORKDAY_HOURS = (9, 17)
NOTES = {"start": "已受理，正在协调办理", "resolve": "已协调相关单位办结，并电话回访企业", "verify": "经核实已解决"}


async def assignments(city: City, progress: Progress) -> None:
    """One leader (and the district's other leader in the team) for every enterprise."""
    rng = random.Random("demo-assignments")
    task = progress.add_task("挂钩领导 assignments", total=len(city.enterprises))
    for enterprise in city.enterprises:
        lead, other = rng.sample(city.leaders[enterprise["district"]], 2)
        enterprise["leader"], enterprise["interval"] = lead, rng.choice((30, 45, 60, 90))
        if await assignments_service.active_assignment(enterprise_id=uuid.UUID(enterprise["id"])) is None:
            async with db.transaction():
                await assignments_service.create(
                    data=AssignmentCreate(
                        enterprise_id=enterprise["id"],
                        leader_id=lead.id,
                        team=[other.id],
                        mechanism=Mechanism(visit_interval_days=enterprise["interval"]),
                    ),
                    actor=SYSTEM,
                )
        row = await assignments_service.active_assignment(enterprise_id=uuid.UUID(enterprise["id"]))
        enterprise["leader"] = next(a for a in city.leaders[enterprise["district"]] if uuid.UUID(a.id) == row.leader_id)
        progress.advance(task)


def _at(rng: random.Random, day: dt.datetime) -> dt.datetime:
    local = dates.local(day).replace(
        hour=rng.randrange(*WORKDAY_HOURS), minute=rng.randrange(0, 60), second=0, microsecond=0
    )
    return local.astimezone(dt.UTC)


async def _as_of(at: dt.datetime, work: Any) -> Any:
    """Run `work()` in its own transaction with the clock at `at`."""
    clock.set_now(at)
    try:
        async with db.transaction():
            return await work()
    finally:
        clock.set_now(None)


async def _work_issue(city: City, rng: random.Random, issue: Any, now: dt.datetime) -> None:
    """Take an issue through the workflow as far as its age allows, with some left behind."""
    at = issue.reported_at
    owner = city.owners.get(issue.enterprise_id)
    if issue.disposition == "assigned":
        staff = city.department_staff[issue.department_id]
        steps = [
            ("start", staff, rng.uniform(0.05, 2.5)),
            ("resolve", staff, rng.uniform(1, 20)),
            ("verify", city.secretary, rng.uniform(0.5, 4)),
        ]
        keep = 3 if rng.random() < 0.8 else rng.randrange(0, 3)
        for action, actor, days in steps[:keep]:
            at = at + dt.timedelta(days=days)
            if at >= now:
                return
            await _as_of(
                at,
                lambda: workflow.transition(
                    issue_id=issue.id, data=TransitionIn(action=Action(action), note=NOTES.get(action)), actor=actor
                ),
            )
            if action == "resolve" and owner and rng.random() < 0.7:
                satisfied = rng.random() < 0.88
                await _as_of(
                    at + dt.timedelta(hours=5),
                    lambda: workflow.give_feedback(
                        issue_id=issue.id,
                        data=FeedbackIn(satisfied=satisfied, comment=None if satisfied else "问题仍未彻底解决"),
                        actor=owner,
                    ),
                )
                if not satisfied:
                    return  # reopened: back with the department
    elif issue.disposition == "on_spot" and rng.random() < 0.5 and at + dt.timedelta(days=2) < now:
        await _as_of(
            at + dt.timedelta(days=2),
            lambda: workflow.transition(
                issue_id=issue.id, data=TransitionIn(action=Action.VERIFY), actor=city.secretary
            ),
        )


def _issues(rng: random.Random, city: City, visited_at: dt.datetime) -> list[Any]:
    out = []
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
        category, title, description = rng.choice(names.ISSUE_TOPICS)
        roll = rng.random()
        disposition = (
            "on_spot" if roll < 0.25 else "assigned" if roll < 0.75 else "transferred" if roll < 0.88 else "redirected"
        )
        out.append(
            VisitIssueIn(
                title=title,
                description=description,
                category=category,
                disposition=Disposition(disposition),
                department_id=rng.choice(city.departments) if disposition == "assigned" else None,
                reported_at=visited_at,
                resolution="现场协调解决" if disposition == "on_spot" else None,
            )
        )
    return out


async def visits(city: City, scale: float, progress: Progress) -> None:
    """A year of visits (each enterprise at about its interval), their issues, chamber visits."""
    ids = [uuid.UUID(e["id"]) for e in city.enterprises]
    if await Visit.exists().where(Visit.enterprise_id.is_in(ids)):
        return
    rng = random.Random("demo-visits")
    now = clock.now()
    start = now - dt.timedelta(days=365)
    plan = []
    for enterprise in city.enterprises:
        day = start + dt.timedelta(days=rng.randrange(0, enterprise["interval"]))
        while day < now - dt.timedelta(days=1):
            plan.append((_at(rng, day), enterprise))
            day += dt.timedelta(days=enterprise["interval"] * rng.uniform(0.8, 1.6))
    plan.sort(key=lambda p: p[0])
    task = progress.add_task("走访与问题 visits & issues", total=len(plan) + len(city.chambers))
    for visited_at, enterprise in plan:
        fen = rng.randrange(50, 3000) * 1_000_000 if rng.random() < 0.12 else 0
        data = VisitCreate(
            visited_at=visited_at,
            summary=f"走访{enterprise['district']}企业，了解生产经营情况和发展诉求。",
            enterprise_id=enterprise["id"],
            attendees=[names.person(rng), names.person(rng)],
            financing_coordinated=money.render(fen),
            hires_helped=rng.choice((0, 0, 0, 3, 5, 12, 30)),
            issues=_issues(rng, city, visited_at),
        )
        leader = enterprise["leader"]
        visit = await _as_of(visited_at + dt.timedelta(hours=1), lambda: visit_log.create(data=data, actor=leader))
        for issue in visit.issues:
            await _work_issue(city, rng, issue, now)
        progress.advance(task)

    year = dates.business_date(now).year
    for chamber in city.chambers:
        leader = city.leaders[chamber["district"]][0]
        try:
            async with db.transaction():
                await plans.create(
                    data=ChamberPlanCreate(leader_id=leader.id, chamber_id=chamber["id"], year=year, planned_visits=4),
                    actor=SYSTEM,
                )
        except Conflict:
            pass
        first, _ = dates.year_bounds(year)
        for _ in range(rng.randrange(0, 5)):
            at = _at(rng, first + (now - first) * rng.random())
            if at < now - dt.timedelta(hours=2):
                data = VisitCreate(
                    visited_at=at, summary="参加商会座谈会，听取会员企业意见。", chamber_id=chamber["id"]
                )
                await _as_of(at + dt.timedelta(hours=1), lambda: visit_log.create(data=data, actor=leader))
        progress.advance(task)

    # Owners' own filings, waiting for the secretary to dispatch them.
    for k, (enterprise_id, owner) in enumerate(sorted(city.owners.items())):
        if k % 4 == 0:
            category, title, description = rng.choice(names.ISSUE_TOPICS)
            at = now - dt.timedelta(days=rng.randrange(1, 10))
            data = IssueCreate(
                enterprise_id=enterprise_id, title=title, description=description, category=category, reported_at=at
            )
            await _as_of(at, lambda: issues_service.create_issue(data=data, actor=owner))


async def redemptions(city: City, scale: float, progress: Progress) -> None:
    """Scans at the service points over each card's life (inserted directly: a scan needs a live token)."""
    card_rows = (
        await Card.select(Card.id, Card.services, Card.issued_at, Card.status)
        .where(Card.holder_id.is_in([uuid.UUID(a.id) for a in city.owners.values()]))
        .order_by(Card.number)
    )
    if not card_rows or await Redemption.exists().where(Redemption.card_id.is_in([c["id"] for c in card_rows])):
        return
    rng = random.Random("demo-redemptions")
    staff = {
        r["service_point_id"]: r["id"]
        for r in await User.select(User.id, User.service_point_id).where(User.service_point_id.is_not_null())
    }
    now = clock.now()
    task = progress.add_task("绿卡服务 redemptions", total=len(card_rows))
    rows = []
    for card in card_rows:
        services = card["services"].split(",")
        points = [p for p in city.points if p["service"] in services]
        if card["status"] == "active" and points:
            for _ in range(rng.randrange(0, 12)):
                point = rng.choice(points)
                at = card["issued_at"] + (now - card["issued_at"]) * rng.random()
                rows.append(
                    Redemption(
                        id=new_id(),
                        card_id=card["id"],
                        service_point_id=uuid.UUID(point["id"]),
                        staff_id=staff.get(uuid.UUID(point["id"]), uuid.UUID(int=0)),
                        service=point["service"],
                        token_kind=rng.choice(("credential", "presentation")),
                        at=at,
                    )
                )
        progress.advance(task)
    if rows:
        async with db.transaction():
            await Redemption.insert(*rows)


async def counts() -> dict[str, int]:
    """Rows in the tables the demo fills."""
    out = {}
    for label, table in (
        ("enterprises", Enterprise),
        ("users", User),
        ("assignments", Assignment),
        ("visits", Visit),
        ("issues", Issue),
        ("cards", Card),
        ("redemptions", Redemption),
        ("chamber_plans", ChamberPlan),
    ):
        out[label] = await table.count()
    return out
