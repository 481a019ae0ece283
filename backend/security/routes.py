"""Login, token refresh and logout."""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator

from litestar import Controller, Litestar, Request, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody

from backend.platform.db import transaction
from backend.platform.guards import PUBLIC
from backend.security import network, service, tokens
from backend.security.schemas import LoginIn, RefreshIn, TokenPair


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post(
        "/login",
        opt=PUBLIC,
        status_code=200,
        summary="Log in with username and password",
        description=(
            "Failed attempts are limited per account and per client address: 429 with `Retry-After` and "
            "`scope` (`account`: locked even for the right password, until `locked_until`; `address`: "
            "wrong passwords refused until `locked_until`, right ones still log in). 503 `login_busy` "
            "with `Retry-After` when too many passwords are being checked at once."
        ),
        responses={
            503: ResponseSpec(
                data_container=dict[str, Any],
                generate_examples=False,
                description="Too many logins being checked at once (`login_busy`); retry after `Retry-After` seconds",
                media_type="application/problem+json",
            )
        },
    )
    async def login(self, request: Request, data: JSONBody[LoginIn]) -> TokenPair:
        client = network.client_key(request.client.host if request.client else None)
        return await service.login(username=data.username, password=data.password, client=client)

    @post("/refresh", opt=PUBLIC, status_code=200, summary="Exchange a refresh token (once) for a new pair")
    async def refresh(self, data: JSONBody[RefreshIn]) -> TokenPair:
        return await service.refresh(refresh_token=data.refresh_token)

    @post(
        "/logout",
        opt=PUBLIC,
        status_code=204,
        summary="Sign out: revoke the refresh token's chain (204 also for an unknown or spent token)",
    )
    async def logout(self, data: JSONBody[RefreshIn]) -> None:
        async with transaction():
            await service.logout(refresh_token=data.refresh_token)


@contextlib.asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    """Read (or create) the access-token secret before the first request: a bad one stops the start."""
    tokens.ensure_secret()
    yield


ROUTERS = [AuthController]
