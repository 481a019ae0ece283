"""The app-wide authentication guard: reads the bearer token into `connection.user`."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from backend.platform.errors import Unauthorized
from backend.security import revocations
from backend.security.tokens import decode_access_token


async def authenticate(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """App-wide first guard: reads `Authorization: Bearer <access token>` into `connection.user`.

    A guard rather than a middleware so that its 401s pass through the same error handling and
    request logging as every other response.
    """
    if handler.opt.get("exclude_from_auth") or connection.scope["path"].startswith("/schema"):
        return
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authentication required.", code="unauthorized", headers={"WWW-Authenticate": "Bearer"})
    actor, chain = decode_access_token(token.strip())
    if chain is not None and await revocations.is_revoked(chain):
        raise Unauthorized(
            "This session was ended (signed out, or its refresh token was used twice); log in again.",
            code="token_revoked",
            headers={"WWW-Authenticate": "Bearer"},
        )
    connection.scope["user"] = actor
