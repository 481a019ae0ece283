"""Request and response shapes of the cards domain."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Literal

import msgspec

from backend.orgs.schemas import Service
from backend.platform.schemas import Input, Reason

Batch = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"\S")]


class CardStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"


class CardCreate(Input):
    holder_id: str
    enterprise_id: str
    services: Annotated[list[Service], msgspec.Meta(min_length=1, max_length=6)]
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    batch: Batch | None = None


class CardRead(msgspec.Struct):
    id: str
    number: str
    holder_id: str
    enterprise_id: str
    services: list[Service]
    status: CardStatus
    valid_from: dt.datetime
    valid_until: dt.datetime
    issued_at: dt.datetime
    batch: str | None
    holder_name: str
    enterprise_name: str


class CardEventRead(msgspec.Struct):
    action: str
    from_status: str | None
    to_status: str
    actor_id: str
    at: dt.datetime
    reason: str


class CardDetail(CardRead):
    history: list[CardEventRead] = []


class ReasonIn(Input):
    reason: Reason


class RenewIn(Input):
    valid_until: dt.datetime
    reason: Reason | None = None


class TokenRead(msgspec.Struct):
    token: str
    expires_at: dt.datetime


class VerificationIn(Input):
    token: str


class VerifiedCard(msgspec.Struct):
    number: str
    holder_name: str
    enterprise_name: str
    services: list[str]
    valid_until: dt.datetime


class VerificationRead(msgspec.Struct):
    result: Literal["valid", "invalid"]
    reason: str | None
    card: VerifiedCard | None
    redemption_id: str | None


class RedemptionRead(msgspec.Struct):
    id: str
    card_id: str
    card_number: str
    service_point_id: str
    staff_id: str
    service: Service
    token_kind: str
    at: dt.datetime
    service_point_name: str
    holder_name: str  # masked as on the QR (张*丰): the list is also read at the service point
    enterprise_name: str


class ExpiringCard(msgspec.Struct):
    card_id: str
    number: str
    holder_id: str
    enterprise_id: str
    valid_until: dt.datetime
    holder_name: str = ""
    enterprise_name: str = ""
    district: str | None = None  # the enterprise's
