"""Request and response shapes of the organisation registry."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import msgspec

from backend.platform.actor import Role
from backend.platform.schemas import District, Input, Latitude, Longitude, Name, ShortText


class Service(enum.StrEnum):
    """The six services a green card can grant and a service point provides."""

    EDUCATION = "education"
    MEDICAL = "medical"
    TOURISM = "tourism"
    TRANSPORT = "transport"
    LEGAL = "legal"
    GOVERNMENT = "government"


Username = Annotated[str, msgspec.Meta(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=256)]
Phone = Annotated[str, msgspec.Meta(max_length=32, pattern=r"^\+?[0-9 -]{3,31}$")]
CreditCode = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class UserCreate(Input):
    username: Username
    password: Password
    role: Role
    display_name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    district: District | None = None
    enterprise_id: str | None = None
    service_point_id: str | None = None
    department_id: str | None = None
    phone: Phone | None = None


class UserRead(msgspec.Struct):
    id: str
    username: str
    role: Role
    display_name: str
    district: str | None
    enterprise_id: str | None
    service_point_id: str | None
    department_id: str | None
    phone: str | None
    created_at: dt.datetime


class MeRead(msgspec.Struct):
    id: str
    username: str
    role: Role
    district: str | None
    display_name: str
    enterprise_id: str | None
    service_point_id: str | None
    department_id: str | None


class EnterpriseCreate(Input):
    name: Name
    credit_code: CreditCode
    district: District
    industry: ShortText = ""
    address: ShortText = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class EnterpriseUpdate(Input):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    credit_code: CreditCode | msgspec.UnsetType = msgspec.UNSET
    district: District | msgspec.UnsetType = msgspec.UNSET
    industry: ShortText | msgspec.UnsetType = msgspec.UNSET
    address: ShortText | msgspec.UnsetType = msgspec.UNSET
    latitude: Latitude | None | msgspec.UnsetType = msgspec.UNSET
    longitude: Longitude | None | msgspec.UnsetType = msgspec.UNSET


class EnterpriseRead(msgspec.Struct):
    id: str
    name: str
    credit_code: str
    district: str
    industry: str
    address: str
    latitude: float | None
    longitude: float | None
    created_at: dt.datetime
    updated_at: dt.datetime


class DepartmentCreate(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]
    # Left out: the caller's district (city-level for an unscoped admin); null: a city-level department.
    district: District | None | msgspec.UnsetType = msgspec.UNSET


class DepartmentRead(msgspec.Struct):
    id: str
    name: str
    district: str | None
    created_at: dt.datetime


class ServicePointCreate(Input):
    name: Name
    service: Service
    district: District
    address: ShortText = ""


class ServicePointRead(msgspec.Struct):
    id: str
    name: str
    service: Service
    district: str
    address: str
    created_at: dt.datetime


class ChamberCreate(Input):
    name: Name
    district: District


class ChamberRead(msgspec.Struct):
    id: str
    name: str
    district: str
    created_at: dt.datetime
