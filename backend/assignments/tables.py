"""Tables of the assignments domain: who looks after an enterprise, and the team.

Listed in the visits Piccolo app, whose migrations created them (moving them would need a data
migration for nothing: the schema is unchanged).
"""

from piccolo.columns import UUID, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.table import Table

from backend.orgs.tables import Enterprise, User


class Assignment(Table, tablename="assignments"):
    """One leader (with a team and a visiting interval) for an enterprise, from `started_at`.

    Ending or handing over sets `ended_at` and keeps the row: the history of who looked after an
    enterprise stays. A partial unique index (migration) allows one open row per enterprise.
    """

    id = UUID(primary_key=True)
    enterprise_id = ForeignKey(Enterprise, null=False, index=True)
    leader_id = ForeignKey(User, null=False, index=True)
    visit_interval_days = Integer()
    started_at = Timestamptz()
    created_by = UUID()
    ended_at = Timestamptz(null=True, default=None)
    ended_by = UUID(null=True, default=None)
    end_reason = Varchar(length=1000, default="")
    # A handover ends this row and points at the assignment that took over.
    handed_over_to = UUID(null=True, default=None)


class AssignmentMember(Table, tablename="assignment_members"):
    """A team member of an assignment (unique per assignment and user, by migration)."""

    id = UUID(primary_key=True)
    assignment_id = ForeignKey(Assignment, null=False, index=True)
    user_id = ForeignKey(User, null=False, index=True)
