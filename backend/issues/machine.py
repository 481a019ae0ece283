"""The issue state machine: one explicit table of (status, action) -> status, and who may act.

Pure: no database, no clock. The service and the property-based tests both go through `apply`,
so a transition that is not in `TRANSITIONS` (or a role not in `ACTORS`) can never succeed.
"""

from __future__ import annotations

from backend.issues.schemas import Action, Disposition, Status
from backend.platform.actor import Role
from backend.platform.errors import Forbidden, InvalidTransition

S, A = Status, Action

# Where each action leads from each status it is allowed in. `reopen` leads back to the
# department (`assigned`); an issue that never had one (solved on the spot) reopens as `open`.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.OPEN, A.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.ASSIGN): S.ASSIGNED,  # re-dispatch to another department or a new deadline
    (S.IN_PROGRESS, A.ASSIGN): S.ASSIGNED,  # the department says it is not theirs
    (S.ASSIGNED, A.START): S.IN_PROGRESS,
    (S.ASSIGNED, A.RESOLVE): S.RESOLVED,  # solved without a separate start
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.RESOLVED, A.VERIFY): S.CLOSED,
    (S.RESOLVED, A.REOPEN): S.ASSIGNED,
    (S.CLOSED, A.REOPEN): S.ASSIGNED,
    (S.OPEN, A.TRANSFER): S.TRANSFERRED,
    (S.ASSIGNED, A.TRANSFER): S.TRANSFERRED,
    (S.IN_PROGRESS, A.TRANSFER): S.TRANSFERRED,
    (S.OPEN, A.REDIRECT): S.REDIRECTED,
    (S.ASSIGNED, A.REDIRECT): S.REDIRECTED,
    (S.IN_PROGRESS, A.REDIRECT): S.REDIRECTED,
}

# Who may take each action. Department staff act only on their own department's issues and
# owners reopen only through feedback; the service enforces those two scopes.
ACTORS: dict[Action, frozenset[Role]] = {
    A.ASSIGN: frozenset({Role.SECRETARY, Role.ADMIN}),
    A.START: frozenset({Role.DEPARTMENT}),
    A.RESOLVE: frozenset({Role.DEPARTMENT}),
    A.VERIFY: frozenset({Role.SECRETARY, Role.ADMIN}),
    A.REOPEN: frozenset({Role.SECRETARY, Role.ADMIN, Role.ENTREPRENEUR}),
    A.TRANSFER: frozenset({Role.SECRETARY, Role.ADMIN}),
    A.REDIRECT: frozenset({Role.SECRETARY, Role.ADMIN}),
}

# Where an issue starts, by its disposition at creation (None: an owner's issue awaiting dispatch).
INITIAL: dict[Disposition | None, Status] = {
    None: S.OPEN,
    Disposition.ON_SPOT: S.RESOLVED,
    Disposition.ASSIGNED: S.ASSIGNED,
    Disposition.TRANSFERRED: S.TRANSFERRED,
    Disposition.REDIRECTED: S.REDIRECTED,
}

# Statuses that still wait on someone here: the review queue and "unresolved" lists.
UNRESOLVED: frozenset[Status] = frozenset({S.OPEN, S.ASSIGNED, S.IN_PROGRESS})
# Statuses that carry a resolution; feedback is given in these.
SOLVED: frozenset[Status] = frozenset({S.RESOLVED, S.CLOSED})
# Handed out of this system: nothing more happens here.
TERMINAL: frozenset[Status] = frozenset({S.TRANSFERRED, S.REDIRECTED})
# Actions that set a department's deadline, and the disposition an action records.
DISPOSITION_OF: dict[Action, Disposition] = {
    A.ASSIGN: Disposition.ASSIGNED,
    A.TRANSFER: Disposition.TRANSFERRED,
    A.REDIRECT: Disposition.REDIRECTED,
}


_DONE = {
    A.ASSIGN: "assigned",
    A.START: "started",
    A.RESOLVE: "resolved",
    A.VERIFY: "verified",
    A.REOPEN: "reopened",
    A.TRANSFER: "transferred",
    A.REDIRECT: "redirected",
}


def allowed(status: Status, action: Action, role: Role) -> bool:
    """True when `role` may take `action` on an issue in `status`."""
    return (status, action) in TRANSITIONS and role in ACTORS[action]


def actions_for(status: Status, role: Role) -> list[Action]:
    """The actions `role` may take from `status`, in the table's order."""
    return [a for (s, a) in TRANSITIONS if s == status and role in ACTORS[a]]


def apply(status: Status, action: Action, role: Role, *, has_department: bool = True) -> Status:
    """The status after `role` takes `action` on an issue in `status`; raises when not allowed.

    A role that may never take the action gets Forbidden (403); an action the current status
    does not allow gets InvalidTransition (409).
    """
    if role not in ACTORS[action]:
        raise Forbidden(f"A {role.value} may not {action.value} an issue.", code="action_forbidden")
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise InvalidTransition(
            f"An issue that is {status.value.replace('_', ' ')} cannot be {_DONE[action]}.",
            code="invalid_transition",
            extra={"status_now": status.value, "allowed_actions": [a.value for a in actions_for(status, role)]},
        )
    if action == A.REOPEN and not has_department:
        return S.OPEN
    return target
