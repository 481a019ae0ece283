"""POST /api/v1/verifications: every token is judged (200), only a valid one is recorded."""

from __future__ import annotations

import asyncio
import datetime as dt

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.cards import keys
from backend.cards.tables import Redemption, UsedPresentation
from backend.platform import clock
from backend.security import tokens
from tests.cards import forge


async def counts() -> tuple[int, int]:
    return await Redemption.count(), await UsedPresentation.count()


async def test_a_valid_credential_is_recorded_once_per_scan(world):
    token = await world.credential()
    reply = await world.verify(token)
    assert reply["result"] == "valid" and reply["reason"] is None
    assert reply["card"]["holder_name"] == "张三丰" and reply["card"]["number"] == world.card["number"]
    assert reply["card"]["enterprise_name"] == "福州绿源科技有限公司"
    row = await Redemption.select().first()
    assert str(row["id"]) == reply["redemption_id"] and row["service"] == "medical"
    assert str(row["staff_id"]) == world.staff.id and str(row["service_point_id"]) == world.staff.actor.service_point_id
    # The printed credential may be scanned again (a new visit); each scan is one redemption.
    assert (await world.verify(token))["result"] == "valid"
    assert await Redemption.count() == 2


async def test_a_presentation_token_works_once(world):
    token = await world.presentation()
    assert (await world.verify(token))["result"] == "valid"
    again = await world.verify(token)
    assert (again["result"], again["reason"]) == ("invalid", "replayed")
    assert await counts() == (1, 1)


async def test_a_replay_is_caught_across_processes(world):
    """Concurrent scans of one token (as from two API processes): the database claim lets one through."""
    token = await world.presentation()
    other = await world.staff_at("transport")
    replies = await asyncio.gather(world.verify(token), world.verify(token, staff=other), world.verify(token))
    assert sorted(r["reason"] or "ok" for r in replies) == ["ok", "replayed", "replayed"]
    assert await counts() == (1, 1)


async def test_idempotency_key_returns_the_first_result(world):
    token = await world.presentation()
    key = {"Idempotency-Key": "scan-1"}
    first = await world.verify(token, headers=key)
    again = await world.verify(token, headers=key)
    assert first["result"] == again["result"] == "valid"
    assert first["redemption_id"] == again["redemption_id"]
    assert await counts() == (1, 1)


async def test_expired_and_not_yet_valid(world):
    token = await world.credential()
    until = dt.datetime.fromisoformat(world.card["valid_until"])
    clock.set_now(until + dt.timedelta(seconds=1))
    assert (await world.verify(token))["reason"] == "expired"
    presentation_at = dt.datetime.now(dt.UTC)
    clock.set_now(presentation_at)
    short = await world.presentation()
    clock.set_now(presentation_at + dt.timedelta(seconds=121))
    assert (await world.verify(short))["reason"] == "expired"
    clock.set_now(None)
    admin, other = world.admin, await world.factory.user("entrepreneur")
    future = (clock.now() + dt.timedelta(days=30)).isoformat()
    card = (
        await admin.post(
            "/api/v1/cards",
            json={
                "holder_id": other.id,
                "enterprise_id": other.actor.enterprise_id,
                "services": ["medical"],
                "valid_from": future,
            },
        )
    ).json()
    assert (await world.verify(await world.credential(card["id"])))["reason"] == "not_yet_valid"
    assert await counts() == (0, 0)


async def test_revoked_suspended_and_not_entitled(world):
    token = await world.credential()
    school = await world.staff_at("education")
    assert (await world.verify(token, staff=school))["reason"] == "not_entitled"
    base = f"/api/v1/cards/{world.card['id']}"
    await world.admin.post(f"{base}/suspend", json={"reason": "年审"})
    assert (await world.verify(token))["reason"] == "suspended"
    await world.admin.post(f"{base}/revoke", json={"reason": "失信"})
    reply = await world.verify(token)
    assert (reply["result"], reply["reason"]) == ("invalid", "revoked")
    assert reply["card"]["number"] == world.card["number"]  # staff see whose card it was
    assert await counts() == (0, 0)


async def test_forged_and_foreign_tokens(world):
    real = await world.credential()
    header, claims = forge.parts(real)
    kid = header["kid"]
    stranger = Ed25519PrivateKey.generate()
    public_raw = keys.raw_public(keys.private_key(kid).public_key())
    public_pem = (
        keys.private_key(kid)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    ours = keys.private_key(kid)
    presentation_header = header | {"typ": "greencard-presentation+jwt"}
    cases = {
        "garbage": ("not a token", "malformed"),
        "empty": ("", "malformed"),
        "truncated": (real[: len(real) // 2], "malformed"),
        "truncated signature": (real[:-4], "bad_signature"),
        "signature not base64": (real[:-5], "malformed"),
        "oversized": ("a" * 100_000, "malformed"),
        "oversized with dots": ("a." * 50_000, "malformed"),
        "alg none": (forge.unsigned(header | {"alg": "none"}, claims), "bad_signature"),
        "hs256 with the public key (raw)": (
            forge.hs256(header | {"alg": "HS256"}, claims, public_raw),
            "bad_signature",
        ),
        "hs256 with the public key (pem)": (
            forge.hs256(header | {"alg": "HS256"}, claims, public_pem),
            "bad_signature",
        ),
        "unknown kid": (forge.ed25519(header | {"kid": "zzzzzzzz"}, claims, stranger), "unknown_key"),
        "another issuer": (
            forge.ed25519(header | {"kid": "evil0001"}, claims | {"iss": "https://evil.example"}, stranger),
            "unknown_key",
        ),
        "another key under our kid": (
            forge.ed25519(header, claims | {"services": ["education"]}, stranger),
            "bad_signature",
        ),
        "tampered claims": (
            forge.part(header) + "." + forge.part(claims | {"services": ["legal"]}) + "." + real.split(".")[2],
            "bad_signature",
        ),
        "wrong typ": (forge.ed25519(header | {"typ": "JWT"}, claims, ours), "malformed"),
        "no typ": (forge.ed25519({"alg": "EdDSA", "kid": kid}, claims, ours), "malformed"),
        "access token": (tokens.issue_access_token(world.staff.actor), "malformed"),
        "our issuer changed": (forge.ed25519(header, claims | {"iss": "https://elsewhere.test"}, ours), "unknown_key"),
        "missing claims": (forge.ed25519(header, {"sub": claims["sub"]}, ours), "malformed"),
        "presentation without jti": (forge.ed25519(presentation_header, claims, ours), "malformed"),
        "presentation too long": (forge.ed25519(presentation_header, claims | {"jti": "x" * 16}, ours), "malformed"),
        "not json": (forge.b64(b"{") + "." + forge.part(claims) + ".AAAA", "malformed"),
    }
    for name, (token, reason) in cases.items():
        reply = await world.verify(token)
        assert (reply["result"], reply["reason"]) == ("invalid", reason), name
        assert reply["redemption_id"] is None, name
    assert await counts() == (0, 0)


async def test_the_token_kinds_do_not_cross(world):
    credential = await world.credential()
    presentation = await world.presentation()
    for token in (credential, presentation):
        reply = await world.factory.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert reply.status_code == 401 and reply.json()["code"] == "invalid_token"


async def test_who_may_verify(world):
    token = await world.credential()
    for role, caller in (await world.factory.callers()).items():
        if role != "service_staff":
            assert (await caller.post("/api/v1/verifications", json={"token": token})).status_code == 403, role
    assert (await world.factory.client.post("/api/v1/verifications", json={"token": token})).status_code == 401
    bad = await world.staff.post("/api/v1/verifications", json={"token": 12})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"
    assert (
        await world.staff.post("/api/v1/verifications", content=b"{", headers={"content-type": "application/json"})
    ).status_code == 400
    assert await counts() == (0, 0)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.one_of(
        # NUL is refused before judging (422 nul_character, tests/bad_input): any other text is judged.
        st.text(alphabet=st.characters(exclude_characters="\x00"), max_size=300),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.=", max_size=400),
        st.lists(st.text(alphabet="abcdefXYZ0123456789-_", max_size=60), min_size=3, max_size=3).map(".".join),
    )
)
async def test_random_strings_are_judged_never_a_500(world_for_hypothesis, token):
    world = world_for_hypothesis
    reply = await world.staff.post("/api/v1/verifications", json={"token": token})
    if "\x00" in token:  # no text field anywhere takes a NUL: refused before the handler
        assert reply.status_code == 422 and reply.json()["code"] == "nul_character", reply.text
    else:
        assert reply.status_code == 200, reply.text
        assert reply.json()["result"] == "invalid"
    assert await Redemption.count() == 0


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(min_value=0, max_value=10_000), st.sampled_from("AQgw_-.xyz"))
async def test_a_one_character_change_never_passes(world_for_hypothesis, position, char):
    world = world_for_hypothesis
    token = world.token
    position %= len(token)
    mutated = token[:position] + char + token[position + 1 :]
    reply = await world.staff.post("/api/v1/verifications", json={"token": mutated})
    assert reply.status_code == 200
    if mutated != token:
        body = reply.json()
        # Base64 padding bits can absorb a change of the last character: then the token is the same.
        assert body["result"] == "invalid" or forge.parts(mutated) == forge.parts(token)
