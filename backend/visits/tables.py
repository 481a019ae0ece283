"""Tables of the visits domain: visits, photos, chamber plans."""

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
