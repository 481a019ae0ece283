"""Sign-out (POST /api/v1/auth/logout): the refresh chain is revoked; nothing else is touched."""

from __future__ import annotations

import pytest

from backend.security.tables import RefreshToken

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"


async def pair(client, username: str) -> dict:
    reply = await client.post(LOGIN, json={"username": username, "password": "correct-horse-1"})
    assert reply.status_code == 200, reply.text
    return reply.json()


async def revoked() -> int:
    return await RefreshToken.count().where(RefreshToken.revoked_at.is_not_null())


async def test_logout_revokes_the_whole_chain_and_only_it(client, factory):
    await factory.user("entrepreneur", username="owner")
    first = await pair(client, "owner")
    second = (await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})).json()
    other_device = await pair(client, "owner")

    reply = await client.post(LOGOUT, json={"refresh_token": second["refresh_token"]})
    assert reply.status_code == 204 and reply.content == b""
    for token in (first["refresh_token"], second["refresh_token"]):
        again = await client.post(REFRESH, json={"refresh_token": token})
        assert again.status_code == 401, token
    # Another login (another phone) is another chain: still signed in.
    assert (await client.post(REFRESH, json={"refresh_token": other_device["refresh_token"]})).status_code == 200


async def test_logout_needs_no_access_token_and_is_idempotent(client, factory):
    await factory.user("service_staff", username="window")
    tokens = await pair(client, "window")
    for _ in range(2):
        assert (await client.post(LOGOUT, json={"refresh_token": tokens["refresh_token"]})).status_code == 204
    assert await revoked() == 1
    # An unknown token changes nothing and says nothing about whether it existed.
    assert (await client.post(LOGOUT, json={"refresh_token": "not-a-token"})).status_code == 204
    assert await revoked() == 1


@pytest.mark.parametrize("body", [{}, {"refresh_token": ""}, {"refresh_token": "x" * 600}, {"refresh_token": 5}, []])
async def test_bad_logout_bodies_are_4xx_problems_and_change_nothing(client, factory, body):
    await factory.user("leader", username="lead")
    tokens = await pair(client, "lead")
    reply = await client.post(LOGOUT, json=body)
    assert 400 <= reply.status_code < 500 and reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["code"]
    assert await revoked() == 0
    assert (await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})).status_code == 200
