"""Request and response shapes of the visits domain (visits, photos, chamber plans, overdue assignments)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from backend.assignments.schemas import UserId
from backend.issues.schemas import IssueCreate, IssueRead
from backend.platform.schemas import Input, Latitude, Longitude


class AssignmentDue(msgspec.Struct):
    """An active assignment whose enterprise is due (or overdue) for a visit, for reminders."""

    assignment_id: str
    enterprise_id: str
    leader_id: str
    team: list[str]
    visit_interval_days: int
    last_visited_on: dt.date | None
    due_on: dt.date


# -- visits --------------------------------------------------------------------------------------

Money = Annotated[str, msgspec.Meta(min_length=1, max_length=24)]


class VisitIssueIn(IssueCreate, kw_only=True):
    """An issue raised in a visit: `enterprise_id` defaults to the visit's enterprise."""

    enterprise_id: str | None = None  # type: ignore[assignment]


class VisitCreate(Input):
    """A visit to an enterprise (`enterprise_id`) or a chamber of commerce (`chamber_id`)."""

    visited_at: Annotated[dt.datetime, msgspec.Meta(tz=True)]
    summary: Annotated[str, msgspec.Meta(min_length=1, max_length=5000, pattern=r"\S")]
    enterprise_id: UserId | None = None
    chamber_id: UserId | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    attendees: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=100)]], msgspec.Meta(max_length=100)
    ] = []
    financing_coordinated: Money = "0.00"
    hires_helped: Annotated[int, msgspec.Meta(ge=0, le=10_000_000)] = 0
    issues: Annotated[list[VisitIssueIn], msgspec.Meta(max_length=50)] = []


class VisitRead(msgspec.Struct):
    id: str
    enterprise_id: str | None
    chamber_id: str | None
    leader_id: str
    logged_by: str
    district: str
    visited_at: dt.datetime
    latitude: float | None
    longitude: float | None
    summary: str
    attendees: list[str]
    financing_coordinated: str
    hires_helped: int
    created_at: dt.datetime
    # Shown to admins and secretaries only (null for everyone else): see README "Visits".
    distance_m: float | None = None
    far_from_enterprise: bool | None = None
    issues: list[IssueRead] = []
    photos: list["PhotoRead"] = []


class PhotoRead(msgspec.Struct):
    id: str
    url: str
    thumbnail_url: str
    width: int
    height: int


# -- chamber plans -------------------------------------------------------------------------------


class ChamberPlanCreate(Input):
    leader_id: UserId
    chamber_id: UserId
    year: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    planned_visits: Annotated[int, msgspec.Meta(ge=1, le=1000)]


class ChamberPlanRead(msgspec.Struct):
    id: str
    leader_id: str
    chamber_id: str
    year: int
    planned_visits: int
    completed_visits: int
    created_at: dt.datetime
