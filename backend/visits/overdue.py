"""Which assigned enterprises are due (or overdue) for a visit: for the visit_overdue reminder."""

from __future__ import annotations

import datetime as dt

from piccolo.query.functions.aggregate import Max

from backend.assignments import service as assignments
from backend.platform.dates import business_date
from backend.visits import schemas as s
from backend.visits.tables import Visit


def _instant(value: dt.datetime | str) -> dt.datetime:
    """An aggregate's timestamp: SQLite hands MAX() back as the stored ISO text."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def assignments_due_for_visit(*, today: dt.date) -> list[s.AssignmentDue]:
    """Active assignments whose enterprise has not been visited within its interval by `today`.

    `due_on` is the last visit's date (Asia/Shanghai), or the assignment's start date when the
    enterprise has not been visited since, plus `visit_interval_days`.
    """
    active = await assignments.active_assignments()
    if not active:
        return []
    latest = await (
        Visit.select(Visit.enterprise_id, Max(Visit.visited_at, alias="last"))
        .where(Visit.enterprise_id.is_in([a.enterprise_id for a in active]))
        .group_by(Visit.enterprise_id)
    )
    last = {v["enterprise_id"]: _instant(v["last"]) for v in latest}
    due: list[s.AssignmentDue] = []
    for a in active:
        visited = last.get(a.enterprise_id)
        last_on = business_date(visited) if visited else None
        base = last_on if last_on and visited >= a.started_at else business_date(a.started_at)
        due_on = base + dt.timedelta(days=a.visit_interval_days)
        if due_on <= today:
            due.append(
                s.AssignmentDue(
                    assignment_id=str(a.id),
                    enterprise_id=str(a.enterprise_id),
                    leader_id=str(a.leader_id),
                    team=[str(u) for u in a.team],
                    visit_interval_days=a.visit_interval_days,
                    last_visited_on=last_on,
                    due_on=due_on,
                )
            )
    return due
