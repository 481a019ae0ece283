"""The Token Status List, and the offline verifier agreeing with the server."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from backend.cards import config
from backend.cards.offline import decode_lst, encode_lst, pack, unpack, verify_offline
from backend.platform import clock
from backend.platform.settings import settings
from scripts.verify_offline import main as offline_main
from tests.cards import forge


@given(st.dictionaries(st.integers(0, 1023), st.integers(0, 3), max_size=64))
def test_status_bits_round_trip(values):
    packed = decode_lst(encode_lst(values, 1024))
    assert packed == pack(values, 1024)
    for idx in range(1024):
        assert unpack(packed, idx) == values.get(idx, 0)
    assert unpack(packed, 1024) is None


def test_the_draft_layout():
    # draft-ietf-oauth-status-list, 2-bit example: index 0 in the lowest bits of byte 0.
    assert pack({0: 1, 1: 2, 2: 0, 3: 3}, 8) == bytes([0b11001001, 0])


async def fetch(client, list_id: str = "1"):
    return await client.get(f"/api/v1/status-lists/{list_id}")


async def test_the_list_is_signed_cacheable_and_public(world):
    reply = await fetch(world.factory.client)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/statuslist+jwt")
    assert reply.headers["cache-control"] == f"public, max-age={config.STATUS_LIST_TTL}"
    header, claims = forge.parts(reply.text)
    assert header["typ"] == "statuslist+jwt" and header["alg"] == "EdDSA"
    assert claims["sub"] == f"{settings.public_base_url}/api/v1/status-lists/1"
    assert claims["status_list"]["bits"] == 2 and claims["ttl"] == config.STATUS_LIST_TTL
    assert len(decode_lst(claims["status_list"]["lst"])) == config.STATUS_LIST_SIZE // 4
    again = await world.factory.client.get("/api/v1/status-lists/1", headers={"If-None-Match": reply.headers["etag"]})
    assert again.status_code == 304
    for missing in ("2", "0", "x", "01"):
        assert (await fetch(world.factory.client, missing)).status_code == 404


async def test_indexes_are_random_not_sequential(world):
    from tests.cards.conftest import holder, issue

    cards = [world.card] + [
        await issue(world.admin, await holder(world.factory, enterprise=f"随机{i}")) for i in range(5)
    ]
    idxs = [forge.parts(await world.credential(c["id"]))[1]["status"]["status_list"]["idx"] for c in cards]
    assert len(set(idxs)) == 6 and idxs != sorted(idxs) or max(idxs) > 1000


async def saved(world):
    jwks = (await world.factory.client.get("/.well-known/jwks.json")).json()
    return jwks, [(await fetch(world.factory.client)).text]


async def agree(world, token, staff=None, service="medical"):
    """The server's verdict and the offline one, for the same token at the same time."""
    jwks, lists = await saved(world)
    offline = verify_offline(
        token,
        jwks=jwks,
        status_lists=lists,
        issuer=settings.public_base_url,
        service=service,
        now=int(clock.now().timestamp()),
    )
    online = await world.verify(token, staff=staff)
    assert (online["result"], online["reason"]) == (offline.result, offline.reason), token[:40]
    return online["reason"]


async def test_offline_and_online_agree(world):
    token = await world.credential()
    base = f"/api/v1/cards/{world.card['id']}"
    school = await world.staff_at("education")
    header, claims = forge.parts(token)
    reasons = [
        await agree(world, token),
        await agree(world, token, staff=school, service="education"),
        await agree(world, "garbage"),
        await agree(world, token[:-4]),
        await agree(world, forge.unsigned(header | {"alg": "none"}, claims)),
        await agree(
            world,
            forge.ed25519(
                header | {"kid": "nope"},
                claims,
                __import__(
                    "cryptography.hazmat.primitives.asymmetric.ed25519", fromlist=["x"]
                ).Ed25519PrivateKey.generate(),
            ),
        ),
        await agree(world, await world.presentation()),
    ]
    await world.admin.post(f"{base}/suspend", json={"reason": "年审"})
    reasons.append(await agree(world, token))
    await world.admin.post(f"{base}/revoke", json={"reason": "失信"})
    reasons.append(await agree(world, token))  # revocation reaches the offline scanner via the list
    clock.set_now(dt.datetime.fromisoformat(world.card["valid_until"]) + dt.timedelta(seconds=5))
    reasons.append(await agree(world, token))
    assert reasons == [
        None,
        "not_entitled",
        "malformed",
        "bad_signature",
        "bad_signature",
        "unknown_key",
        None,
        "suspended",
        "revoked",
        "expired",
    ]


async def test_the_offline_script(world, tmp_path, capsys):
    token = await world.credential()
    jwks, lists = await saved(world)
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    (tmp_path / "list-1.jwt").write_text(lists[0])
    common = ["--jwks", str(tmp_path / "jwks.json"), "--issuer", settings.public_base_url]
    assert offline_main([token, *common, "--status-list", str(tmp_path / "list-1.jwt"), "--service", "medical"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["result"] == "valid" and out["card"]["holder_name"] == "张*丰"
    assert offline_main([token, *common, "--service", "medical"]) == 2  # no status list saved
    capsys.readouterr()
    assert offline_main(["garbage", *common]) == 1
    # As a process with no backend settings or database at all:
    run = subprocess.run(
        [
            sys.executable,
            "scripts/verify_offline.py",
            token,
            *common,
            "--status-list",
            str(tmp_path / "list-1.jwt"),
            "--service",
            "legal",
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert run.returncode == 1 and json.loads(run.stdout)["reason"] == "not_entitled"
