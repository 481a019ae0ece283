"""The reminder rules: each a plain async generator over the current data, yielding Reminders.

A rule decides WHAT is due and for WHOM; the sweep decides whether it was already sent (by the
key (rule, subject_id, occasion)) and whether the hour allows it. Occasion keys:
  issue_due_soon / issue_overdue / issue_escalated: the deadline (a new deadline is a new occasion)
  visit_overdue: the date the visit fell due (a visit moves it, so the next lapse is new)
  card_expiring: the card's valid_until (a renewal is a new occasion)
  chamber_plan_behind: the month (at most one reminder a month while behind)
  issues_digest: the ISO week
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import AsyncIterator

from backend.assignments import service as assignments
from backend.cards import service as cards
from backend.issues import service as issues
from backend.issues.schemas import DigestItem, DueIssue, UnresolvedDigest
from backend.orgs.tables import Chamber, Enterprise
from backend.platform import glossary, workdays
from backend.platform.actor import Role
from backend.platform.dates import business_date, local, stamp
from backend.platform.outbox import Event
from backend.reminders import recipients
from backend.reminders.schemas import Reminder
from backend.reminders.tables import SentReminder
from backend.visits import service as visits

CARD_EXPIRY_WARNING = dt.timedelta(days=30)
ESCALATE_AFTER_WORKING_DAYS = 3
DIGEST_MAX_TITLES = 10


async def _unsent(rule: str, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (subject_id, occasion) pairs of `rule` not sent yet: one query, so a rule spends no
    further work (recipients, names) on the many subjects reminded in earlier sweeps."""
    if not keys:
        return set()
    rows = await SentReminder.select(SentReminder.subject_id, SentReminder.occasion).where(
        (SentReminder.rule == rule) & SentReminder.subject_id.is_in(sorted({k[0] for k in keys}))
    )
    return set(keys) - {(r["subject_id"], r["occasion"]) for r in rows}


def _text(rule: str, part: str, **values: object) -> str:
    """A notification's title or body, from the glossary's template for `rule`."""
    return glossary.NOTIFICATIONS[rule][part].format(**values)


def _issue_words(issue: DueIssue) -> dict[str, object]:
    """What an issue's notifications name: the enterprise, the issue, the day it was raised, the deadline."""
    return {
        "enterprise": issue.enterprise_name,
        "title": issue.title,
        "reported": business_date(issue.reported_at).isoformat() if issue.reported_at else "",
        "due": stamp(issue.due_at),
    }


async def _leader_of(enterprise_id: str) -> list[str]:
    found = await assignments.active_assignment(enterprise_id=uuid.UUID(enterprise_id))
    return [str(found.leader_id)] if found else []


async def issue_due_soon(now: dt.datetime) -> AsyncIterator[Reminder]:
    """An issue's deadline falls within one working day: its department's staff."""
    # Up to the end of the next working day, inclusive (due_soon's bound is exclusive).
    horizon = workdays.end_of_day(workdays.add_working_days(business_date(now), 1)) + dt.timedelta(seconds=1)
    found = await issues.due_soon(before=horizon, now=now)
    todo = await _unsent("issue_due_soon", [(i.id, i.due_at.isoformat()) for i in found])
    for issue in (i for i in found if (i.id, i.due_at.isoformat()) in todo):
        yield Reminder(
            rule="issue_due_soon",
            subject_id=issue.id,
            occasion=issue.due_at.isoformat(),
            recipients=tuple(await recipients.department_staff(issue.department_id)),
            event=Event.ISSUE_DUE_SOON,
            subject_type="issue",
            payload={
                "issue_id": issue.id,
                "title": issue.title,
                "due_at": issue.due_at.isoformat(),
                "enterprise_id": issue.enterprise_id,
                "department_id": issue.department_id,
            },
            title=_text("issue_due_soon", "title", **_issue_words(issue)),
            body=_text("issue_due_soon", "body", **_issue_words(issue)),
        )


async def issue_overdue(now: dt.datetime) -> AsyncIterator[Reminder]:
    """An issue past its deadline: its department's staff and the secretaries of its district (urgent)."""
    found = await issues.overdue(now=now)
    todo = await _unsent("issue_overdue", [(i.id, i.due_at.isoformat()) for i in found])
    for issue in (i for i in found if (i.id, i.due_at.isoformat()) in todo):
        people = await recipients.department_staff(issue.department_id)
        people += await recipients.covering(Role.SECRETARY, issue.district)
        yield Reminder(
            rule="issue_overdue",
            subject_id=issue.id,
            occasion=issue.due_at.isoformat(),
            recipients=tuple(people),
            event=Event.ISSUE_OVERDUE,
            subject_type="issue",
            payload={
                "issue_id": issue.id,
                "title": issue.title,
                "due_at": issue.due_at.isoformat(),
                "enterprise_id": issue.enterprise_id,
                "department_id": issue.department_id,
                "district": issue.district,
            },
            title=_text("issue_overdue", "title", **_issue_words(issue)),
            body=_text("issue_overdue", "body", **_issue_words(issue)),
            urgent=True,
        )


async def issue_escalated(now: dt.datetime) -> AsyncIterator[Reminder]:
    """Still overdue three working days after the deadline: the enterprise's leader (urgent)."""
    today = business_date(now)
    found = await issues.overdue(now=now)
    todo = await _unsent("issue_escalated", [(i.id, i.due_at.isoformat()) for i in found])
    for issue in (i for i in found if (i.id, i.due_at.isoformat()) in todo):
        late = workdays.working_days_between(business_date(issue.due_at), today)
        if late < ESCALATE_AFTER_WORKING_DAYS:
            continue
        yield Reminder(
            rule="issue_escalated",
            subject_id=issue.id,
            occasion=issue.due_at.isoformat(),
            recipients=tuple(await _leader_of(issue.enterprise_id)),
            event=Event.ISSUE_ESCALATED,
            subject_type="issue",
            payload={
                "issue_id": issue.id,
                "title": issue.title,
                "due_at": issue.due_at.isoformat(),
                "enterprise_id": issue.enterprise_id,
                "department_id": issue.department_id,
                "working_days_overdue": late,
            },
            title=_text("issue_escalated", "title", **_issue_words(issue)),
            body=_text("issue_escalated", "body", late=late, **_issue_words(issue)),
            urgent=True,
        )


async def visit_overdue(now: dt.datetime) -> AsyncIterator[Reminder]:
    """An enterprise not visited within its mechanism's interval: its leader."""
    found = await visits.assignments_due_for_visit(today=business_date(now))
    todo = await _unsent("visit_overdue", [(d.assignment_id, d.due_on.isoformat()) for d in found])
    for due in (d for d in found if (d.assignment_id, d.due_on.isoformat()) in todo):
        name = await Enterprise.select(Enterprise.name).where(Enterprise.id == uuid.UUID(due.enterprise_id)).first()
        enterprise = name["name"] if name else ""
        last = due.last_visited_on.isoformat() if due.last_visited_on else None
        yield Reminder(
            rule="visit_overdue",
            subject_id=due.assignment_id,
            occasion=due.due_on.isoformat(),
            recipients=tuple(await recipients.active_ids(due.leader_id)),
            event=Event.VISIT_OVERDUE,
            subject_type="assignment",
            payload={
                "assignment_id": due.assignment_id,
                "enterprise_id": due.enterprise_id,
                "leader_id": due.leader_id,
                "visit_interval_days": due.visit_interval_days,
                "last_visited_on": last,
                "due_on": due.due_on.isoformat(),
            },
            title=_text("visit_overdue", "title", enterprise=enterprise),
            body=_text(
                "visit_overdue",
                "body",
                enterprise=enterprise,
                interval=due.visit_interval_days,
                due_on=due.due_on.isoformat(),
                last=_text("visit_overdue", "last_visit", date=last)
                if last
                else _text("visit_overdue", "never_visited"),
            ),
        )


async def card_expiring(now: dt.datetime) -> AsyncIterator[Reminder]:
    """A card expiring within 30 days: the admins covering its enterprise's district, and the holder."""
    found = await cards.cards_expiring(before=now + CARD_EXPIRY_WARNING)
    todo = await _unsent("card_expiring", [(c.card_id, c.valid_until.isoformat()) for c in found])
    for card in (c for c in found if (c.card_id, c.valid_until.isoformat()) in todo):
        people = await recipients.covering(Role.ADMIN, card.district)
        people += await recipients.active_ids(card.holder_id)
        until = business_date(card.valid_until).isoformat()
        yield Reminder(
            rule="card_expiring",
            subject_id=card.card_id,
            occasion=card.valid_until.isoformat(),
            recipients=tuple(people),
            event=Event.CARD_EXPIRING,
            subject_type="card",
            payload={
                "card_id": card.card_id,
                "number": card.number,
                "holder_id": card.holder_id,
                "enterprise_id": card.enterprise_id,
                "valid_until": card.valid_until.isoformat(),
            },
            title=_text("card_expiring", "title", enterprise=card.enterprise_name, holder=card.holder_name),
            body=_text(
                "card_expiring",
                "body",
                enterprise=card.enterprise_name,
                holder=card.holder_name,
                number=card.number,
                until=until,
            ),
        )


async def chamber_plan_behind(now: dt.datetime) -> AsyncIterator[Reminder]:
    """A chamber plan behind its pace for the year (pro rata by whole months gone): its leader."""
    here = local(now)
    months_gone = here.month - 1
    if months_gone == 0:
        return
    month = here.strftime("%Y-%m")
    plans = await visits.plan_progress(year=here.year)
    behind = [p for p in plans if p.completed_visits < p.planned_visits * months_gone // 12]
    todo = await _unsent("chamber_plan_behind", [(p.id, month) for p in behind])
    for plan in (p for p in behind if (p.id, month) in todo):
        expected = plan.planned_visits * months_gone // 12
        chamber = await Chamber.select(Chamber.name).where(Chamber.id == uuid.UUID(plan.chamber_id)).first()
        name = chamber["name"] if chamber else ""
        yield Reminder(
            rule="chamber_plan_behind",
            subject_id=plan.id,
            occasion=month,
            recipients=tuple(await recipients.active_ids(plan.leader_id)),
            event=Event.CHAMBER_PLAN_BEHIND,
            subject_type="chamber_plan",
            payload={
                "plan_id": plan.id,
                "chamber_id": plan.chamber_id,
                "year": plan.year,
                "planned_visits": plan.planned_visits,
                "completed_visits": plan.completed_visits,
                "expected_by_now": expected,
            },
            title=_text("chamber_plan_behind", "title", chamber=name),
            body=_text(
                "chamber_plan_behind",
                "body",
                chamber=name,
                year=plan.year,
                planned=plan.planned_visits,
                expected=expected,
                completed=plan.completed_visits,
            ),
        )


async def issues_digest(now: dt.datetime) -> AsyncIterator[Reminder]:
    """Weekly: each secretary gets the unresolved issues of their scope (none sent when there are none)."""
    year, week, _ = local(now).isocalendar()
    week_key = f"{year}-W{week:02d}"
    secretaries = await recipients.users_of(Role.SECRETARY)
    todo = await _unsent("issues_digest", [(str(u["id"]), week_key) for u in secretaries])
    for secretary in (u for u in secretaries if (str(u["id"]), week_key) in todo):
        digest = await issues.unresolved_digest(district=secretary["district"], now=now, limit=DIGEST_MAX_TITLES)
        if not digest.unresolved:
            continue
        lines = digest_lines(digest)
        yield Reminder(
            rule="issues_digest",
            subject_id=str(secretary["id"]),
            occasion=week_key,
            recipients=(str(secretary["id"]),),
            event=Event.ISSUES_DIGEST,
            subject_type="user",
            payload={
                "district": secretary["district"],
                "unresolved": digest.unresolved,
                "overdue": digest.overdue,
                "issue_ids": [item.id for item in digest.first],
            },
            title=_text("issues_digest", "title", unresolved=digest.unresolved, overdue=digest.overdue),
            body="\n".join(lines),
        )


def digest_lines(digest: UnresolvedDigest) -> list[str]:
    """The digest's body: one line per listed issue, told apart by enterprise, title and the day it
    was raised, plus a short number (the tail of its id) where two lines would still read alike."""
    words = glossary.NOTIFICATIONS["issues_digest"]

    def line(item: DigestItem) -> str:
        reported = business_date(item.reported_at).isoformat()
        return words["line"].format(enterprise=item.enterprise_name, title=item.title, reported=reported)

    alike = Counter(line(item) for item in digest.first)
    lines = [
        line(item)
        + (words["number"].format(number=item.id.replace("-", "")[-6:].upper()) if alike[line(item)] > 1 else "")
        + (words["overdue"] if item.overdue else "")
        for item in digest.first
    ]
    if digest.unresolved > len(digest.first):
        lines.append(words["more"].format(more=digest.unresolved - len(digest.first)))
    return lines


# Every rule the sweep runs, in this order.
RULES = [
    issue_due_soon,
    issue_overdue,
    issue_escalated,
    visit_overdue,
    card_expiring,
    chamber_plan_behind,
    issues_digest,
]
