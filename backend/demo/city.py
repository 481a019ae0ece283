"""What the demo city holds, as ids: the registry phase fills it, the activity phases read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend.platform.actor import Actor


@dataclass
class City:
    """What the demo city holds, as ids, for the activity phases."""

    departments: list[str] = field(default_factory=list)
    enterprises: list[dict[str, Any]] = field(default_factory=list)
    leaders: dict[str, list[Actor]] = field(default_factory=dict)  # district -> leaders
    department_staff: dict[str, Actor] = field(default_factory=dict)  # department id -> staff
    owners: dict[str, Actor] = field(default_factory=dict)  # enterprise id -> card holder
    points: list[dict[str, Any]] = field(default_factory=list)
    chambers: list[dict[str, Any]] = field(default_factory=list)
    secretary: Actor | None = None
    admin: Actor | None = None
    showcase_staff: Actor | None = None  # a window whose service the showcase owner's card covers
    showcase_enterprise: str | None = None  # the enterprise of demo_owner_001
