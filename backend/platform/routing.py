"""Small pieces every domain's routes use: the actor dependency, list parameters, pages."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from litestar import Request
from litestar.params import QueryParameter

from backend.platform.actor import Actor
from backend.platform.pagination import DEFAULT_LIMIT, MAX_LIMIT
from backend.platform.schemas import Page

T = TypeVar("T")

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description="Page size (default 50, max 200).")]
Cursor = Annotated[str | None, QueryParameter(max_length=512, description="Opaque cursor from `next_cursor`.")]
DEFAULT_PAGE = DEFAULT_LIMIT


async def provide_actor(request: Request[Actor, Any, Any]) -> Actor:
    return request.user


def page(result: tuple[list[T], str | None]) -> Page[T]:
    items, next_cursor = result
    return Page(items=items, next_cursor=next_cursor)
