"""Overdue is one rule written twice, in Python (an issue's `overdue` flag) and in SQL (the list
filter, reminders, the reports); the two must agree on every status and deadline, a deadline
falling exactly now included (not yet overdue)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from backend.issues import report
from backend.issues.schemas import Status
from backend.issues.service import is_overdue, overdue_where
from backend.issues.tables import Issue
from backend.platform.ids import new_id

NOW = dt.datetime(2026, 5, 6, 4, 0, tzinfo=dt.UTC)
DEADLINES = (None, NOW - dt.timedelta(days=2), NOW, NOW + dt.timedelta(seconds=1))


async def test_python_and_sql_agree_on_overdue(factory):
    enterprise = await factory.enterprise()
    expected = {}
    for status, due_at in itertools.product(Status, DEADLINES):
        row = Issue(
            id=new_id(),
            enterprise_id=uuid.UUID(enterprise.id),
            district=enterprise.district,
            title="核对",
            category="其他",
            status=status.value,
            due_at=due_at,
            reported_at=NOW - dt.timedelta(days=3),
            created_by=new_id(),
            created_at=NOW,
            updated_at=NOW,
        )
        await Issue.insert(row)
        expected[row.id] = is_overdue(status.value, due_at, NOW)
    assert 0 < sum(expected.values()) < len(expected)
    late = {r["id"] for r in await Issue.select(Issue.id).where(overdue_where(NOW))}
    on_time = {r["id"] for r in await Issue.select(Issue.id).where(overdue_where(NOW, overdue=False))}
    assert late == {k for k, v in expected.items() if v}
    assert on_time == {k for k, v in expected.items() if not v}
    (counts,) = await report.counts(start=NOW - dt.timedelta(days=7), end=NOW, district=None, now=NOW)
    assert counts.overdue == len(late) and counts.received == len(expected)
