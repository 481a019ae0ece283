"""Tables of the visits domain: assignments and their teams, visits, photos, chamber plans."""

from piccolo.columns import (
    UUID,
    BigInt,
    Boolean,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from backend.orgs.tables import Chamber, Enterprise, User


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


class Visit(Table, tablename="visits"):
    """A visit to an enterprise or to a chamber of commerce, as logged from a phone."""

    id = UUID(primary_key=True)
    enterprise_id = ForeignKey(Enterprise, null=True, default=None, index=True)
    chamber_id = ForeignKey(Chamber, null=True, default=None, index=True)
    assignment_id = UUID(null=True, default=None)
    # The responsible leader (the assignment's leader, or the leader who visited a chamber).
    leader_id = ForeignKey(User, null=False, index=True)
    logged_by = UUID()
    # Copied from the enterprise or chamber, so district scoping is one column.
    district = Varchar(length=50, index=True)
    visited_at = Timestamptz(index=True)
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    distance_m = DoublePrecision(null=True, default=None)
    far_from_enterprise = Boolean(null=True, default=None)
    summary = Text()
    attendees = Text(default="[]")  # a JSON array of names
    financing_fen = BigInt(default=0)
    hires_helped = Integer(default=0)
    created_at = Timestamptz()


class VisitPhoto(Table, tablename="visit_photos"):
    """A photo of a visit, stored cleaned (no metadata) under DATA_DIR/photos/ with its thumbnail."""

    id = UUID(primary_key=True)
    visit_id = ForeignKey(Visit, null=False, index=True)
    uploaded_by = UUID()
    media_type = Varchar(length=30)
    width = Integer()
    height = Integer()
    size_bytes = Integer()
    thumb_width = Integer()
    thumb_height = Integer()
    created_at = Timestamptz()


class ChamberPlan(Table, tablename="chamber_plans"):
    """A leader's planned visits to a chamber in a year (unique per leader, chamber and year)."""

    id = UUID(primary_key=True)
    leader_id = ForeignKey(User, null=False, index=True)
    chamber_id = ForeignKey(Chamber, null=False, index=True)
    year = Integer()
    planned_visits = Integer()
    created_by = UUID()
    created_at = Timestamptz()
