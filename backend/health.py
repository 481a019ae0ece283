"""Liveness with a database check."""

from litestar import Response, get
from litestar.openapi import ResponseSpec

from backend.platform import db
from backend.platform.guards import PUBLIC


@get(
    "/health",
    opt=PUBLIC,
    tags=["health"],
    summary="Service and database health",
    responses={503: ResponseSpec(dict[str, str], description="The database is unreachable", generate_examples=False)},
)
async def health() -> Response[dict[str, str]]:
    if await db.ping():
        return Response({"status": "ok", "database": "ok"})
    return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)


ROUTERS = [health]
