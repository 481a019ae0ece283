"""Creating issues: dispositions, deadlines, who may file, and bad input."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from backend.issues import rules, service
from backend.issues import schemas as s
from backend.platform import clock, dates, db
from backend.platform.actor import SYSTEM
from backend.platform.errors import Forbidden, ValidationFailed
from backend.platform.workdays import deadline_after
from tests.issues.helpers import MONDAY_10AM, counts, create, issue_input


async def test_assigned_issue_gets_default_deadline_in_working_days(factory):
    clock.set_now(MONDAY_10AM)
    enterprise = await factory.enterprise()
    department = await factory.department()
    issue = await create(SYSTEM, enterprise.id, disposition="assigned", department_id=department.id)
    assert issue.status == s.Status.ASSIGNED and issue.department_id == department.id
    assert issue.due_at == deadline_after(MONDAY_10AM, rules.DEFAULT_DEADLINE_WORKING_DAYS)
    assert issue.district == enterprise.district and issue.version == 1
    detail = await service.get_issue(issue_id=issue.id, actor=SYSTEM)
    assert [h.action for h in detail.history] == ["create"]
    assert detail.history[0].from_status is None and detail.history[0].to_status == s.Status.ASSIGNED


async def test_deadline_skips_the_national_day_holiday(factory):
    # Reported on 30 September 2026: the National Day week does not count.
    clock.set_now(dt.datetime(2026, 9, 30, 10, 0, tzinfo=dt.UTC))
    enterprise = await factory.enterprise()
    department = await factory.department()
    issue = await create(SYSTEM, enterprise.id, disposition="assigned", department_id=department.id)
    assert issue.due_at.astimezone(dates.SHANGHAI).date() > dt.date(2026, 10, 8)


@pytest.mark.parametrize(
    ("disposition", "status"),
    [("on_spot", "resolved"), ("transferred", "transferred"), ("redirected", "redirected"), (None, "open")],
)
async def test_disposition_decides_the_first_status(factory, disposition, status):
    enterprise = await factory.enterprise()
    kw = {"disposition": disposition} if disposition else {}
    issue = await create(SYSTEM, enterprise.id, **kw)
    assert issue.status == status and issue.due_at is None
    if disposition == "on_spot":
        assert issue.resolution and issue.resolved_at == issue.reported_at


async def test_paper_ledger_keeps_reported_at(factory):
    clock.set_now(MONDAY_10AM)
    enterprise = await factory.enterprise()
    earlier = MONDAY_10AM - dt.timedelta(days=20)
    issue = await create(SYSTEM, enterprise.id, reported_at=earlier.isoformat())
    assert issue.reported_at == earlier


@pytest.mark.parametrize(
    "bad",
    [
        {"disposition": "assigned"},  # no department
        {"disposition": "assigned", "department_id": "00000000-0000-0000-0000-000000000001"},
        {"disposition": "on_spot", "department_id": "DEPT"},
        {"disposition": "transferred", "due_at": "2030-01-01T00:00:00+08:00"},
        {"reported_at": "2030-01-01T00:00:00+08:00"},
        {"enterprise_id": "00000000-0000-0000-0000-000000000001"},
        {"enterprise_id": "not-an-id"},
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(factory, bad):
    enterprise = await factory.enterprise()
    department = await factory.department()
    kw = {k: (department.id if v == "DEPT" else v) for k, v in bad.items()}
    with pytest.raises(ValidationFailed):
        await create(SYSTEM, kw.pop("enterprise_id", enterprise.id), **kw)
    assert await counts() == (0, 0)


async def test_owner_files_for_own_enterprise_only(factory):
    owner = await factory.user("entrepreneur")
    other = await factory.enterprise()
    issue = await create(owner.actor, owner.actor.enterprise_id)
    assert issue.status == s.Status.OPEN and issue.disposition is None
    with pytest.raises(Forbidden):
        await create(owner.actor, other.id)
    with pytest.raises(ValidationFailed):
        await create(owner.actor, owner.actor.enterprise_id, disposition="on_spot")
    assert await counts() == (1, 1)


async def test_visit_transaction_rolls_back_its_issues(factory):
    enterprise = await factory.enterprise()
    data = msgspec.convert(issue_input(enterprise.id, disposition="on_spot"), s.IssueCreate)
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await service.create_issue(data=data, actor=SYSTEM)
            raise RuntimeError("the visit failed after its issues")
    assert await counts() == (0, 0)
