"""The credential, the presentation token, the JWKS and key rotation."""

from __future__ import annotations

import datetime as dt
import os
import stat

from backend.cards import images, keys
from backend.cards.issuing import mask_name
from backend.platform import clock
from backend.platform.settings import settings
from tests.cards import forge


async def test_the_credential_has_the_contract_headers_and_claims(world):
    token = await world.credential()
    header, claims = forge.parts(token)
    assert header == {"alg": "EdDSA", "kid": header["kid"], "typ": "greencard+jwt"} and len(header["kid"]) <= 8
    assert set(claims) == {"iss", "sub", "iat", "nbf", "exp", "services", "name", "ent", "status"}
    assert claims["iss"] == settings.public_base_url and claims["sub"] == world.card["number"]
    assert claims["name"] == "张*丰" and claims["ent"] == "福州绿源科技有限公司"
    assert claims["services"] == ["medical", "transport"]
    assert claims["exp"] == int(dt.datetime.fromisoformat(world.card["valid_until"]).timestamp())
    ref = claims["status"]["status_list"]
    assert ref["uri"] == f"{settings.public_base_url}/api/v1/status-lists/1" and isinstance(ref["idx"], int)
    # Short enough for a printed QR a phone camera reads.
    assert len(token) <= 600 and images.qr_version(token) <= 20
    # The printed credential stays the same on a re-print.
    assert await world.credential() == token


async def test_the_holder_reads_their_credential_and_presentation(world):
    reply = await world.holder.get(f"/api/v1/cards/{world.card['id']}/credential")
    assert reply.status_code == 200
    now = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
    clock.set_now(now)
    body = (await world.holder.get("/api/v1/me/card/presentation")).json()
    header, claims = forge.parts(body["token"])
    assert header["typ"] == "greencard-presentation+jwt" and claims["jti"]
    assert 0 < claims["exp"] - claims["iat"] <= 120
    assert dt.datetime.fromisoformat(body["expires_at"]) <= now + dt.timedelta(seconds=120)
    second = (await world.holder.get("/api/v1/me/card/presentation")).json()["token"]
    assert forge.parts(second)[1]["jti"] != claims["jti"]
    for role, caller in (await world.factory.callers()).items():
        if role != "entrepreneur":
            assert (await caller.get("/api/v1/me/card/presentation")).status_code == 403, role
    assert (await (await world.factory.user("entrepreneur")).get("/api/v1/me/card/presentation")).status_code == 404


async def test_a_revoked_card_has_no_tokens(world):
    await world.admin.post(f"/api/v1/cards/{world.card['id']}/revoke", json={"reason": "失信"})
    assert (await world.holder.get("/api/v1/me/card/presentation")).json()["code"] == "card_revoked"
    assert (await world.admin.get(f"/api/v1/cards/{world.card['id']}/credential")).status_code == 409


def test_names_are_masked():
    assert [mask_name(n) for n in ("张三丰", "张三", "欧阳娜娜", "李", "")] == ["张*丰", "张*", "欧**娜", "李", ""]


async def test_the_private_key_file_is_private(world):
    token = await world.credential()
    kid = forge.parts(token)[0]["kid"]
    path = settings.data_dir / "keys" / f"card-{kid}.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    jwks = (await world.factory.client.get("/.well-known/jwks.json")).json()
    assert [k["kid"] for k in jwks["keys"]] == [kid]
    assert all(set(k) == {"kty", "crv", "x", "kid", "alg", "use"} for k in jwks["keys"])  # no private part


async def test_rotation_keeps_old_keys_while_their_credentials_are_valid(world):
    old = await world.credential()
    old_kid = forge.parts(old)[0]["kid"]
    new_kid = await keys.rotate()
    assert new_kid != old_kid
    listed = [k["kid"] for k in (await world.factory.client.get("/.well-known/jwks.json")).json()["keys"]]
    assert set(listed) == {old_kid, new_kid}
    assert (await world.verify(old))["result"] == "valid"  # the printed card still works
    assert forge.parts(await world.presentation())[0]["kid"] == new_kid  # the new key signs
    assert await world.credential() == old  # the printed card is not re-signed
    # Once no valid credential needs the old key (here: the card is revoked), it leaves the JWKS.
    await world.admin.post(f"/api/v1/cards/{world.card['id']}/revoke", json={"reason": "失信"})
    clock.set_now(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    keys.forget()
    listed = [k["kid"] for k in (await world.factory.client.get("/.well-known/jwks.json")).json()["keys"]]
    assert listed == [new_kid]


async def test_a_renewed_card_gets_a_new_credential(world):
    old = await world.credential()
    later = (dt.datetime.fromisoformat(world.card["valid_until"]) + dt.timedelta(days=365)).isoformat()
    await world.admin.post(f"/api/v1/cards/{world.card['id']}/renew", json={"valid_until": later})
    new = await world.credential()
    assert new != old and forge.parts(new)[1]["exp"] > forge.parts(old)[1]["exp"]


def test_the_cli_rotates(tmp_path):
    from backend.cli import build_parser

    args = build_parser().parse_args(["keys", "rotate"])
    assert args.func.__name__ == "_rotate"


async def test_the_openapi_document_lists_the_card_endpoints(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/cards",
        "/api/v1/cards/{card_id}/credential",
        "/api/v1/cards/{card_id}/qr.png",
        "/api/v1/cards/{card_id}/card.png",
        "/api/v1/me/card/presentation",
        "/api/v1/verifications",
        "/api/v1/redemptions",
        "/api/v1/status-lists/{list_id}",
        "/.well-known/jwks.json",
    ):
        assert path in paths, path


async def test_a_key_rotated_by_another_process_is_picked_up(world):
    """Another process rotates (straight in the database): this one learns the key on first sight of its kid."""
    await keys.ring()  # this process has the old ring cached
    new_key = keys._new_file_key()
    new_kid = await keys._register(new_key, activate=True)
    _, claims = forge.parts(await world.credential())
    token = forge.ed25519({"alg": "EdDSA", "kid": new_kid, "typ": "greencard+jwt"}, claims, new_key)
    assert (await world.verify(token))["result"] == "valid"


def test_the_longest_credential_still_fits_a_version_20_qr():
    from backend.cards.credentials import encode
    from backend.cards.issuing import _short

    base = "https://greencard.fuzhou.gov.cn"
    claims = {
        "iss": base,
        "sub": "GC-2026-000123",
        "iat": 1795000000,
        "nbf": 1795000000,
        "exp": 1889000000,
        "services": ["education", "medical", "tourism", "transport", "legal", "government"],
        "name": mask_name("欧阳娜娜"),
        "ent": _short("福州市鼓楼区绿源新能源科技股份有限公司第一分公司"),
        "status": {"status_list": {"idx": 131071, "uri": f"{base}/api/v1/status-lists/12"}},
    }
    token = encode(claims, typ="greencard+jwt", kid="AbCdEfGh", key=keys.Ed25519PrivateKey.generate())
    assert len(token) <= 666 and images.qr_version(token) <= 20  # 666 bytes: version 20 at level M
