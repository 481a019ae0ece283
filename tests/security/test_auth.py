"""Login, refresh chains, token checks and login throttling."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

from backend.orgs.tables import User
from backend.platform import clock
from backend.security.tables import LoginFailure, RefreshToken

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"


async def login(client, username, password, ip=None):
    headers = {"X-Forwarded-For": ip} if ip else {}
    return await client.post(LOGIN, json={"username": username, "password": password}, headers=headers)


async def test_login_gives_a_working_token_pair(client, factory):
    admin = await factory.user("admin", username="office")
    r = await login(client, "office", "correct-horse-1")
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == admin.id and me.json()["role"] == "admin"


async def test_password_is_stored_as_argon2id(factory):
    await factory.user("admin", username="hashcheck")
    row = await User.select(User.password_hash).where(User.username == "hashcheck").first()
    assert row["password_hash"].startswith("$argon2id$")
    assert "correct-horse-1" not in row["password_hash"]


@pytest.mark.parametrize("username,password", [("office", "wrong-password"), ("nobody", "correct-horse-1")])
async def test_wrong_password_and_unknown_user_are_the_same_401(client, factory, username, password):
    await factory.user("admin", username="office")
    r = await login(client, username, password)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "invalid_credentials"
    assert await RefreshToken.count() == 0


async def test_successful_logins_are_not_throttled(client, factory):
    await factory.user("admin", username="busy")
    for _ in range(12):
        assert (await login(client, "busy", "correct-horse-1")).status_code == 200
    assert await LoginFailure.count() == 0


async def test_refresh_token_works_once_and_reuse_revokes_the_chain(client, factory):
    await factory.user("leader", username="lead")
    first = (await login(client, "lead", "correct-horse-1")).json()
    second = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"]
    # Reusing the first token: 401, and the chain (including the fresh token) is revoked.
    reuse = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401 and reuse.json()["code"] == "refresh_token_reused"
    after = await client.post(REFRESH, json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401
    # A separate login is a separate chain and still works.
    third = (await login(client, "lead", "correct-horse-1")).json()
    assert (await client.post(REFRESH, json={"refresh_token": third["refresh_token"]})).status_code == 200


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 5000])
async def test_garbled_refresh_tokens_are_401(client, token):
    r = await client.post(REFRESH, json={"refresh_token": token})
    assert r.status_code in (401, 422)
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_expired_access_token_is_401(client, factory):
    caller = await factory.user("admin")
    headers = caller.headers
    clock.set_now(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16))
    r = await client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "token_expired"


async def test_garbled_and_foreign_access_tokens_are_401(client, factory):
    caller = await factory.user("admin")
    good = caller.headers["Authorization"].split()[1]
    claims = jwt.decode(good, options={"verify_signature": False})
    foreign = jwt.encode(claims, "someone-elses-secret-of-enough-length", algorithm="HS256", headers={"typ": "at+jwt"})
    unsigned = jwt.encode(claims, None, algorithm="none")
    tampered = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    for token in ("garbage", "a.b.c", foreign, unsigned, tampered, good + "x"):
        r = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, token
        assert r.json()["code"] == "invalid_token"
    for header in ("Basic abc", "Bearer", good):
        r = await client.get("/api/v1/me", headers={"Authorization": header})
        assert r.status_code == 401


async def test_missing_token_is_401_with_www_authenticate(client):
    r = await client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ["admin", "secretary", "leader", "department", "entrepreneur", "service_staff"])
async def test_every_role_reads_its_own_profile(factory, role):
    caller = await factory.user(role, district="鼓楼区")
    r = await caller.get("/api/v1/me")
    assert r.status_code == 200
    body = r.json()
    assert body["role"] == role and body["district"] == "鼓楼区"
    assert (body["enterprise_id"] is not None) == (role == "entrepreneur")
    assert (body["service_point_id"] is not None) == (role == "service_staff")


async def test_a_revoked_chains_access_tokens_stop_working_at_once(client, factory):
    await factory.user("leader", username="lead")
    first = (await login(client, "lead", "correct-horse-1")).json()
    second = (await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})).json()
    other = (await login(client, "lead", "correct-horse-1")).json()  # another session of the same user

    def me(pair):
        return client.get("/api/v1/me", headers={"Authorization": f"Bearer {pair['access_token']}"})

    assert (await me(first)).status_code == 200 and (await me(second)).status_code == 200
    # The first refresh token is presented again (one of its two holders is a thief): the chain ends...
    assert (await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})).status_code == 401
    # ...and with it every access token it gave out, long before they would expire.
    for pair in (first, second):
        r = await me(pair)
        assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    assert (await me(other)).status_code == 200


async def test_a_chain_revoked_by_another_process_is_refused_within_seconds(client, factory, monkeypatch):
    from backend.security import revocations

    await factory.user("leader", username="lead2")
    pair = (await login(client, "lead2", "correct-horse-1")).json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    # Another process revokes the chain in the database (this process was not told).
    await RefreshToken.update({RefreshToken.revoked_at: clock.now()}).where(RefreshToken.revoked_at.is_null())
    # Once this process's copy is older than RELOAD_SECONDS (made zero here), it reloads and refuses.
    monkeypatch.setattr(revocations, "RELOAD_SECONDS", 0.0)
    r = await client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"
