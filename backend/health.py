"""Liveness with a database check."""

from litestar import Response, get

from backend import db
from backend.security.guards import PUBLIC


@get("/health", opt=PUBLIC, tags=["health"], summary="Service and database health")
async def health() -> Response[dict[str, str]]:
    if await db.ping():
        return Response({"status": "ok", "database": "ok"})
    return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)


ROUTERS = [health]
