"""The issue workflow: transitions through the state machine, and the owner's feedback.

Every write is a compare-and-set on the issue's `version` (which is the ETag): a stale If-Match
answers 412; without If-Match a write that lost a race re-reads and re-decides, so two people
acting at once can never both move the issue from the same status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.issues import machine
from backend.issues import schemas as s
from backend.issues.service import default_deadline, department_for, detail, etag, record, visible_row
from backend.issues.tables import Issue
from backend.platform import clock, glossary
from backend.platform.actor import Actor, Role
from backend.platform.errors import Conflict, Forbidden, InvalidTransition, Stale, ValidationFailed

A, S = s.Action, s.Status
MAX_ATTEMPTS = 3
# Actions after which the issue sits with a department and so takes department_id / due_at.
_TO_DEPARTMENT = (A.ASSIGN, A.REOPEN)


def matches(if_match: str | None, issue_id: Any, version: int) -> bool:
    """True when an If-Match header (absent, `*`, or a list of ETags, weak or strong) holds."""
    if if_match is None:
        return True
    current = etag(issue_id, version)
    for tag in if_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == current:
            return True
    return False


def _check_if_match(if_match: str | None, row: dict[str, Any]) -> None:
    if not matches(if_match, row["id"], row["version"]):
        raise Stale(
            "The issue changed since you read it; read it again and retry.",
            code="stale_etag",
            headers={"ETag": etag(row["id"], row["version"])},
        )


async def _compare_and_set(row: dict[str, Any], changes: dict[str, Any], now: dt.datetime) -> bool:
    """Write `changes` if nobody else wrote since `row` was read."""
    values = {**changes, "version": row["version"] + 1, "updated_at": now}
    written = (
        await Issue.update(values)
        .where((Issue.id == row["id"]) & (Issue.version == row["version"]))
        .returning(Issue.id)
    )
    return bool(written)


async def _to_department(
    row: dict[str, Any], department_id: str | None, due_at: dt.datetime | None, now: dt.datetime, actor: Actor
) -> dict[str, Any]:
    """Columns for handing the issue (again) to a department with a deadline."""
    if department_id:
        department = await department_for(department_id, district=row["district"], actor=actor)
    else:
        department = row["department_id"]
    if department is None:
        raise ValidationFailed(
            "Say which department gets the issue.", field="department_id", code="department_required"
        )
    deadline = due_at or default_deadline(now)
    if deadline <= now:
        raise ValidationFailed("The deadline must be in the future.", field="due_at", code="deadline_in_past")
    return {
        "department_id": department,
        "due_at": deadline,
        "assigned_at": now,
        "first_response_at": None,  # the new department has not acted yet
        "disposition": s.Disposition.ASSIGNED.value,
    }


_UNRESOLVE = {"resolved_at": None, "closed_at": None, "resolution": None}


async def _plan(row: dict[str, Any], data: s.TransitionIn, actor: Actor, now: dt.datetime) -> dict[str, Any]:
    """The new column values after `actor` takes `data.action` (raises when not allowed)."""
    status, action = S(row["status"]), data.action
    has_department = row["department_id"] is not None or (action == A.REOPEN and data.department_id is not None)
    target = machine.apply(status, action, actor.role, has_department=has_department)
    if actor.role == Role.DEPARTMENT and str(row["department_id"]) != actor.department_id:
        raise Forbidden("Only the department the issue is assigned to may work it.", code="not_your_department")
    if action not in _TO_DEPARTMENT and data.department_id is not None:
        raise ValidationFailed(f"{action.value} does not take a department_id.", field="department_id")
    if target != S.ASSIGNED and data.due_at is not None:
        raise ValidationFailed("A deadline is set only when a department gets the issue.", field="due_at")
    changes: dict[str, Any] = {"status": target.value}
    if target == S.ASSIGNED:
        changes |= await _to_department(row, data.department_id, data.due_at, now, actor)
    if action == A.START:
        changes["first_response_at"] = row["first_response_at"] or now
    elif action == A.RESOLVE:
        if not (data.note or "").strip():
            raise ValidationFailed("Say how the issue was resolved (note).", field="note", code="resolution_required")
        changes |= {
            "resolution": data.note,
            "resolved_at": now,
            "first_response_at": row["first_response_at"] or now,
            # Feedback belongs to a resolution: a new one awaits new feedback.
            "satisfied": None,
            "feedback_comment": None,
            "feedback_at": None,
        }
    elif action == A.VERIFY:
        changes["closed_at"] = now
    elif action == A.REOPEN:
        changes |= _UNRESOLVE
        if target == S.OPEN:
            changes["due_at"] = None
    elif action in machine.DISPOSITION_OF:
        changes["disposition"] = machine.DISPOSITION_OF[action].value
    return changes


async def transition(
    *, issue_id: str, data: s.TransitionIn, actor: Actor, if_match: str | None = None
) -> s.IssueDetail:
    """Take one action on an issue; the history records it with actor, time and note."""
    if actor.role == Role.ENTREPRENEUR:
        raise Forbidden("Owners reopen an issue through feedback.", code="action_forbidden")
    for _ in range(MAX_ATTEMPTS):
        now = clock.now()
        row = await visible_row(issue_id=issue_id, actor=actor)
        if actor.role not in machine.ACTORS[data.action]:
            machine.apply(S(row["status"]), data.action, actor.role)  # raises Forbidden
        _check_if_match(if_match, row)
        changes = await _plan(row, data, actor, now)
        if await _compare_and_set(row, changes, now):
            await record(
                issue_id=row["id"],
                version=row["version"] + 1,
                action=data.action.value,
                from_status=S(row["status"]),
                to_status=S(changes["status"]),
                actor=actor,
                at=now,
                note=data.note,
                department_id=changes.get("department_id"),
                due_at=changes.get("due_at"),
            )
            return await detail(await visible_row(issue_id=issue_id, actor=actor))
        if if_match is not None:
            raise Stale("The issue changed since you read it; read it again and retry.", code="stale_etag")
    raise Conflict("The issue kept changing while you acted; try again.", code="concurrent_update")


async def give_feedback(
    *, issue_id: str, data: s.FeedbackIn, actor: Actor, if_match: str | None = None
) -> s.IssueDetail:
    """The owner's verdict on a resolution: satisfied is recorded; not satisfied reopens the issue."""
    if actor.role != Role.ENTREPRENEUR:
        raise Forbidden("Only the enterprise's owner gives feedback.", code="owner_only")
    for _ in range(MAX_ATTEMPTS):
        now = clock.now()
        row = await visible_row(issue_id=issue_id, actor=actor)
        _check_if_match(if_match, row)
        status = S(row["status"])
        if status not in machine.SOLVED:
            raise InvalidTransition("Feedback is given once the issue is resolved.", code="not_resolved")
        if row["satisfied"] is not None:
            raise Conflict("Feedback on this resolution was already given.", code="feedback_already_given")
        changes: dict[str, Any] = {"satisfied": data.satisfied, "feedback_comment": data.comment, "feedback_at": now}
        if data.satisfied:
            action, target, note = "feedback", status, data.comment
        else:
            target = machine.apply(status, A.REOPEN, actor.role, has_department=row["department_id"] is not None)
            note = (
                glossary.NOTES["not_satisfied_because"].format(comment=data.comment)
                if data.comment
                else glossary.NOTES["not_satisfied"]
            )
            action = A.REOPEN.value
            changes |= _UNRESOLVE | {"status": target.value}
            changes |= await _to_department(row, None, None, now, actor) if target == S.ASSIGNED else {"due_at": None}
        if await _compare_and_set(row, changes, now):
            await record(
                issue_id=row["id"],
                version=row["version"] + 1,
                action=action,
                from_status=status,
                to_status=target,
                actor=actor,
                at=now,
                note=note,
                department_id=changes.get("department_id"),
                due_at=changes.get("due_at"),
            )
            return await detail(await visible_row(issue_id=issue_id, actor=actor))
        if if_match is not None:
            raise Stale("The issue changed since you read it; read it again and retry.", code="stale_etag")
    raise Conflict("The issue kept changing while you acted; try again.", code="concurrent_update")
