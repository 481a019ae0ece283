"""Shapes shared by every domain: constrained strings, pages of results."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import msgspec

from backend.platform import inputs

T = TypeVar("T")

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
ShortText = Annotated[str, msgspec.Meta(max_length=300)]
District = Annotated[str, msgspec.Meta(min_length=1, max_length=50, pattern=r"\S")]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=r"\S")]
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]


class Input(msgspec.Struct):
    """Base of every request body: its dates are held to the app's bounds (`backend.platform.inputs`)."""

    def __post_init__(self) -> None:
        inputs.check_fields(self)


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None
