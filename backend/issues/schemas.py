"""Request and response shapes of the issues domain."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated

import msgspec

from backend.platform.schemas import Input, Name

AwareDatetime = Annotated[dt.datetime, msgspec.Meta(tz=True)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
Category = Annotated[str, msgspec.Meta(min_length=1, max_length=50, pattern=r"\S")]
Description = Annotated[str, msgspec.Meta(max_length=4000)]


class Status(enum.StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    TRANSFERRED = "transferred"
    REDIRECTED = "redirected"


class Action(enum.StrEnum):
    ASSIGN = "assign"
    START = "start"
    RESOLVE = "resolve"
    VERIFY = "verify"
    REOPEN = "reopen"
    TRANSFER = "transfer"
    REDIRECT = "redirect"


class Disposition(enum.StrEnum):
    ON_SPOT = "on_spot"  # solved on the spot
    ASSIGNED = "assigned"  # handed to a department
    TRANSFERRED = "transferred"  # to discipline inspection
    REDIRECTED = "redirected"  # guided to the proper channel


class IssueCreate(Input, forbid_unknown_fields=True):
    """An issue as raised in a visit, filed by an owner, or entered from a paper ledger."""

    enterprise_id: str
    title: Name
    description: Description
    category: Category
    # Left out by an owner filing for their own enterprise: the issue waits `open` for dispatch.
    disposition: Disposition | None = None
    department_id: str | None = None
    due_at: AwareDatetime | None = None
    # Defaults to now; earlier for paper ledgers entered after the fact; never in the future.
    reported_at: AwareDatetime | None = None
    # How it was solved, for `on_spot` (a default note is recorded when left out).
    resolution: Note | None = None


class VisitContext(msgspec.Struct, frozen=True):
    """The visit an issue is raised in, as the visits domain checked it: the issue's enterprise must
    be the visited one (`enterprise_id`), or for a chamber visit (`enterprise_id` None) one of the
    chamber's district."""

    id: uuid.UUID
    district: str
    enterprise_id: uuid.UUID | None = None


class TransitionIn(Input, forbid_unknown_fields=True):
    action: Action
    note: Note | None = None
    department_id: str | None = None
    due_at: AwareDatetime | None = None


class FeedbackIn(Input, forbid_unknown_fields=True):
    satisfied: bool
    comment: Note | None = None


class HistoryEntry(msgspec.Struct):
    action: str
    from_status: Status | None
    to_status: Status
    actor_id: str
    actor_role: str
    at: dt.datetime
    note: str | None
    department_id: str | None
    due_at: dt.datetime | None


class IssueRead(msgspec.Struct):
    id: str
    enterprise_id: str
    district: str
    visit_id: str | None
    title: str
    description: str
    category: str
    disposition: Disposition | None
    status: Status
    department_id: str | None
    due_at: dt.datetime | None
    reported_at: dt.datetime
    overdue: bool
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    assigned_at: dt.datetime | None
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    resolution: str | None
    satisfied: bool | None
    feedback_comment: str | None
    feedback_at: dt.datetime | None
    version: int
    etag: str


class IssueDetail(IssueRead):
    """The single-issue read: the issue with every action taken on it, oldest first."""

    history: list[HistoryEntry]


class LeaderRef(msgspec.Struct):
    id: str
    display_name: str


class QueueItem(msgspec.Struct):
    """One row of the secretaries' review queue."""

    issue: IssueRead
    enterprise_name: str
    leader: LeaderRef | None
    department_name: str | None
    days_overdue: int  # calendar days past the deadline's business date (Asia/Shanghai), 0 if not overdue
    working_days_overdue: int


class DueIssue(msgspec.Struct, frozen=True):
    """A plain summary for reminders: what is due and who works it."""

    id: str
    title: str
    enterprise_id: str
    district: str
    department_id: str | None
    status: Status
    due_at: dt.datetime
    created_by: str
    enterprise_name: str = ""
    reported_at: dt.datetime | None = None


class DigestItem(msgspec.Struct, frozen=True):
    """One line of the weekly digest."""

    id: str
    title: str
    enterprise_name: str
    reported_at: dt.datetime
    overdue: bool


class UnresolvedDigest(msgspec.Struct, frozen=True):
    """For the weekly digest: how many issues are unresolved (and overdue), and the first few."""

    unresolved: int
    overdue: int
    first: list[DigestItem]  # overdue ones first, most overdue first


class IssueFilter(msgspec.Struct, frozen=True):
    """The filters every issue list shares (`GET /issues` and the review queue)."""

    status: Status | None = None
    overdue: bool | None = None
    enterprise_id: str | None = None
    department_id: str | None = None
    district: str | None = None
