"""Tables of the issues domain: the issue (with the columns reports and reminders aggregate over)
and its history, one row per action taken."""

from piccolo.columns import (
    UUID,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from backend.orgs.tables import Department, Enterprise


class Issue(Table, tablename="issues"):
    id = UUID(primary_key=True)
    enterprise_id = ForeignKey(Enterprise, index=True, on_delete=OnDelete.restrict)
    # The enterprise's district, copied at creation so district filters need no join.
    district = Varchar(length=50, index=True)
    # The visit that raised it; a plain id, since visits is another app.
    visit_id = UUID(null=True, default=None, index=True)
    title = Varchar(length=200)
    description = Text(default="")
    category = Varchar(length=50, index=True)
    # on_spot | assigned | transferred | redirected; null while an owner's issue awaits dispatch.
    disposition = Varchar(length=20, null=True, default=None, index=True)
    status = Varchar(length=20, index=True)
    department_id = ForeignKey(Department, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    due_at = Timestamptz(null=True, default=None, index=True)
    reported_at = Timestamptz(index=True)
    created_by = UUID()
    created_at = Timestamptz()
    updated_at = Timestamptz()
    # When the current department got it, and when that department first acted on it.
    assigned_at = Timestamptz(null=True, default=None)
    first_response_at = Timestamptz(null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None, index=True)
    closed_at = Timestamptz(null=True, default=None)
    resolution = Text(null=True, default=None)
    # The owner's latest feedback: null until given.
    satisfied = Boolean(null=True, default=None)
    feedback_comment = Text(null=True, default=None)
    feedback_at = Timestamptz(null=True, default=None)
    # Optimistic concurrency: bumped on every write, exposed as the ETag.
    version = Integer(default=1)


class IssueEvent(Table, tablename="issue_events"):
    id = UUID(primary_key=True)
    issue_id = ForeignKey(Issue, index=True)
    # The issue's version this entry produced (creation is 1): orders the history exactly,
    # and the unique (issue_id, version) index refuses two writes from one version.
    version = Integer(default=1)
    action = Varchar(length=20)
    from_status = Varchar(length=20, null=True, default=None)
    to_status = Varchar(length=20)
    actor_id = UUID()
    actor_role = Varchar(length=20)
    at = Timestamptz()
    note = Text(null=True, default=None)
    department_id = UUID(null=True, default=None)
    due_at = Timestamptz(null=True, default=None)
