"""Property-based tests of the issue state machine.

The pure table first (every (status, action, role) triple), then random action sequences driven
through the real service and database, checking after every step that:
- an action succeeds exactly when the table (and the department scope) allows it;
- a refused action changes nothing (status, version, history);
- the history has one entry for the creation plus one per action that succeeded (transitions and
  feedback alike), and the version (the ETag) counts the same writes;
- a resolved or closed issue has a resolution and a resolved_at; any other status has neither;
  a closed issue has closed_at.
"""

from __future__ import annotations

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.issues import machine, service, workflow
from backend.issues import schemas as s
from backend.issues.tables import Issue, IssueEvent
from backend.platform import db
from backend.platform.actor import SYSTEM, Actor, Role
from backend.platform.errors import DomainError, Forbidden, InvalidTransition
from tests.issues.helpers import issue_input

ROLES = list(Role)


@given(st.sampled_from(list(s.Status)), st.sampled_from(list(s.Action)), st.sampled_from(ROLES), st.booleans())
def test_apply_follows_the_table_and_nothing_else(status, action, role, has_department):
    try:
        target = machine.apply(status, action, role, has_department=has_department)
    except Forbidden:
        assert role not in machine.ACTORS[action]
    except InvalidTransition:
        assert role in machine.ACTORS[action] and (status, action) not in machine.TRANSITIONS
    else:
        assert machine.allowed(status, action, role)
        expected = machine.TRANSITIONS[(status, action)]
        if action == s.Action.REOPEN and not has_department:
            expected = s.Status.OPEN
        assert target == expected


def test_terminal_statuses_have_no_way_out():
    for status, _action in machine.TRANSITIONS:
        assert status not in machine.TERMINAL


# One step of a random sequence: who acts ("proper": someone the table lets act), what they do,
# and whether a note is given. Weighted so that sequences travel deep into the machine.
CALLERS = ["secretary", "staff", "other_staff", "owner", "admin"]
PROPER = {
    "assign": "secretary",
    "start": "staff",
    "resolve": "staff",
    "verify": "secretary",
    "reopen": "admin",
    "transfer": "admin",
    "redirect": "secretary",
    "feedback_yes": "owner",
    "feedback_no": "owner",
}
STEPS = st.tuples(
    st.sampled_from(["proper"] * 4 + CALLERS),
    st.sampled_from(
        [
            "assign",
            "start",
            "start",
            "resolve",
            "resolve",
            "resolve",
            "verify",
            "reopen",
            "reopen",
            "transfer",
            "redirect",
            "feedback_yes",
            "feedback_no",
            "feedback_no",
        ]
    ),
    st.sampled_from([True, True, True, False]),
)
DISPOSITIONS = st.sampled_from(
    ["assigned", "assigned", "assigned", "on_spot", "on_spot", None, "transferred", "redirected"]
)


async def _snapshot(issue_id: str) -> tuple[dict, int]:
    row = await Issue.select().where(Issue.id == issue_id).first()
    return row, await IssueEvent.count().where(IssueEvent.issue_id == issue_id)


def _check_invariants(row: dict, events: int, taken: int) -> None:
    status = s.Status(row["status"])
    assert events == 1 + taken and row["version"] == 1 + taken
    if status in machine.SOLVED:
        assert row["resolution"] and row["resolved_at"] is not None
    else:
        assert row["resolution"] is None and row["resolved_at"] is None
    assert (row["closed_at"] is not None) == (status == s.Status.CLOSED)
    if status == s.Status.ASSIGNED:
        assert row["department_id"] is not None and row["due_at"] is not None


def _expected_to_succeed(row: dict, who: str, actor: Actor, step: str, note: bool) -> bool:
    status = s.Status(row["status"])
    if step.startswith("feedback"):
        return who == "owner" and status in machine.SOLVED and row["satisfied"] is None
    action = s.Action(step)
    if actor.role == Role.ENTREPRENEUR or not machine.allowed(status, action, actor.role):
        return False
    if actor.role == Role.DEPARTMENT and str(row["department_id"]) != actor.department_id:
        return False
    if action == s.Action.RESOLVE and not note:
        return False
    if action == s.Action.ASSIGN and row["department_id"] is None:
        return False  # the sequence never names a department: assigning needs one
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(disposition=DISPOSITIONS, steps=st.lists(STEPS, max_size=12))
async def test_random_action_sequences_keep_the_invariants(factory, disposition, steps):
    people = await _people(factory)
    kw = {"disposition": disposition} if disposition else {}
    if disposition == "assigned":
        kw["department_id"] = people["staff"].department_id
    data = msgspec.convert(issue_input(people["enterprise_id"], **kw), s.IssueCreate)
    async with db.transaction():
        issue = await service.create_issue(data=data, actor=SYSTEM)
    taken = 0
    for who, step, note in steps:
        who = PROPER[step] if who == "proper" else who
        actor = people[who]
        before, events_before = await _snapshot(issue.id)
        expected = _expected_to_succeed(before, who, actor, step, note)
        try:
            async with db.transaction():
                if step.startswith("feedback"):
                    await workflow.give_feedback(
                        issue_id=issue.id, data=s.FeedbackIn(satisfied=step == "feedback_yes"), actor=actor
                    )
                else:
                    await workflow.transition(
                        issue_id=issue.id,
                        data=s.TransitionIn(action=s.Action(step), note="处理说明" if note else None),
                        actor=actor,
                    )
        except DomainError:
            assert not expected, (before["status"], who, step)
            after, events_after = await _snapshot(issue.id)
            assert after == before and events_after == events_before
        else:
            assert expected, (before["status"], who, step)
            taken += 1
        row, events = await _snapshot(issue.id)
        _check_invariants(row, events, taken)
    history = (await service.get_issue(issue_id=issue.id, actor=SYSTEM)).history
    assert len(history) == 1 + taken
    for earlier, later in zip(history, history[1:]):
        assert later.from_status == earlier.to_status
    versions = (
        await IssueEvent.select(IssueEvent.version).where(IssueEvent.issue_id == issue.id).order_by(IssueEvent.version)
    )
    assert [v["version"] for v in versions] == list(range(1, taken + 2))


_PEOPLE: dict[str, dict] = {}


async def _people(factory) -> dict:
    """One set of callers per test run (the database is emptied between tests, not examples)."""
    from backend.orgs.tables import Enterprise

    cached = _PEOPLE.get("current")
    if cached and await Enterprise.exists().where(Enterprise.id == cached["enterprise_id"]):
        return cached
    owner = await factory.user("entrepreneur")
    staff = await factory.user("department")
    people = {
        "enterprise_id": owner.actor.enterprise_id,
        "owner": owner.actor,
        "staff": staff.actor,
        "other_staff": (await factory.user("department")).actor,
        "secretary": (await factory.user("secretary")).actor,
        "admin": (await factory.user("admin")).actor,
    }
    _PEOPLE["current"] = people
    return people
