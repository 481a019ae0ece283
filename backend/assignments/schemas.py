"""Request and response shapes of the assignments domain, and what it hands other domains."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from backend.platform.schemas import Input

UserId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
NoteText = Annotated[str, msgspec.Meta(max_length=1000)]
MAX_TEAM = 50


class Mechanism(Input):
    """The working mechanism: how often the enterprise should be visited."""

    visit_interval_days: Annotated[int, msgspec.Meta(ge=1, le=366)]


class AssignmentCreate(Input):
    enterprise_id: UserId
    leader_id: UserId
    mechanism: Mechanism
    team: Annotated[list[UserId], msgspec.Meta(max_length=MAX_TEAM)] = []


class AssignmentUpdate(Input):
    team: Annotated[list[UserId], msgspec.Meta(max_length=MAX_TEAM)] | msgspec.UnsetType = msgspec.UNSET
    mechanism: Mechanism | msgspec.UnsetType = msgspec.UNSET


class AssignmentEnd(Input):
    reason: NoteText = ""


class AssignmentHandover(Input):
    """Hand the enterprise to another leader; the team and mechanism carry over unless given."""

    leader_id: UserId
    team: Annotated[list[UserId], msgspec.Meta(max_length=MAX_TEAM)] | msgspec.UnsetType = msgspec.UNSET
    mechanism: Mechanism | msgspec.UnsetType = msgspec.UNSET
    reason: NoteText = ""


class AssignmentRead(msgspec.Struct):
    id: str
    enterprise_id: str
    leader_id: str
    team: list[str]
    mechanism: Mechanism
    status: str  # active | ended
    started_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str
    handed_over_to: str | None


# -- for other domains (not in the API) ----------------------------------------------------------


class ActiveAssignment(msgspec.Struct, frozen=True):
    """An enterprise's active assignment, with its team."""

    id: uuid.UUID
    enterprise_id: uuid.UUID
    leader_id: uuid.UUID
    team: list[uuid.UUID]
    visit_interval_days: int
    started_at: dt.datetime

    def includes(self, user_id: uuid.UUID) -> bool:
        """Whether the user leads it or serves on its team."""
        return user_id == self.leader_id or user_id in self.team


class ActiveLeader(msgspec.Struct, frozen=True):
    """The leader of an enterprise's active assignment."""

    leader_id: uuid.UUID
    leader_name: str
