"""Users and the organisation registry: enterprises, departments, service points, chambers."""

from piccolo.columns import (
    UUID,
    Boolean,
    DoublePrecision,
    ForeignKey,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class Department(Table, tablename="departments"):
    id = UUID(primary_key=True)
    name = Varchar(length=100, unique=True)
    # The district a county-level department serves; null for a city-level one (serves every district).
    district = Varchar(length=50, null=True, default=None, index=True)
    created_at = Timestamptz()


class Enterprise(Table, tablename="enterprises"):
    id = UUID(primary_key=True)
    name = Varchar(length=200, index=True)
    credit_code = Varchar(length=18, unique=True)
    district = Varchar(length=50, index=True)
    industry = Varchar(length=100, default="")
    address = Varchar(length=300, default="")
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ServicePoint(Table, tablename="service_points"):
    id = UUID(primary_key=True)
    name = Varchar(length=200)
    service = Varchar(length=20, index=True)
    district = Varchar(length=50, index=True)
    address = Varchar(length=300, default="")
    created_at = Timestamptz()


class Chamber(Table, tablename="chambers"):
    id = UUID(primary_key=True)
    name = Varchar(length=200)
    district = Varchar(length=50, index=True)
    created_at = Timestamptz()


class User(Table, tablename="users"):
    id = UUID(primary_key=True)
    username = Varchar(length=64, unique=True)
    password_hash = Varchar(length=255, secret=True)
    role = Varchar(length=20, index=True)
    display_name = Varchar(length=100, default="")
    district = Varchar(length=50, null=True, default=None, index=True)
    enterprise_id = ForeignKey(Enterprise, null=True, default=None, index=True)
    service_point_id = ForeignKey(ServicePoint, null=True, default=None)
    department_id = ForeignKey(Department, null=True, default=None, index=True)
    phone = Varchar(length=32, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()
