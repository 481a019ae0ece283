"""Redemption lists: a card's own, and the office's with filters; the signing key from the environment."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend import clock


async def test_lists_and_filters(world):
    token = await world.credential()
    # Days after the card was issued (at the real now), 02:00 UTC (10:00 in Shanghai, the same date).
    day1 = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)
    day2, day3 = day1 + dt.timedelta(days=1), day1 + dt.timedelta(days=2)
    clock.set_now(day1)
    first = await world.verify(token)
    transport = await world.staff_at("transport")
    clock.set_now(day3)
    second = await world.verify(token, staff=transport)
    own = (await world.admin.get(f"/api/v1/cards/{world.card['id']}/redemptions")).json()["items"]
    assert [r["id"] for r in own] == [first["redemption_id"], second["redemption_id"]]
    assert own[0]["card_number"] == world.card["number"] and own[0]["staff_id"] == world.staff.id
    assert (await world.holder.get(f"/api/v1/cards/{world.card['id']}/redemptions")).json()["items"] == own

    async def office(query: str) -> list[str]:
        reply = await world.admin.get(f"/api/v1/redemptions?{query}")
        assert reply.status_code == 200, reply.text
        return [r["id"] for r in reply.json()["items"]]

    assert await office("service=transport") == [second["redemption_id"]]
    assert await office(f"service_point_id={world.staff.actor.service_point_id}") == [first["redemption_id"]]
    assert await office(f"from={day2:%Y-%m-%d}") == [second["redemption_id"]]
    assert await office(f"to={day1:%Y-%m-%d}") == [first["redemption_id"]]
    assert await office(f"from={day1:%Y-%m-%d}T00:00:00%2B00:00&to={day3:%Y-%m-%dT%H:%M:%S}%2B00:00") == [
        first["redemption_id"],
        second["redemption_id"],
    ]
    assert await office("limit=1") == [first["redemption_id"]]
    assert (await world.admin.get("/api/v1/redemptions?from=yesterday")).status_code == 422
    assert (await world.admin.get("/api/v1/redemptions?service=spa")).status_code in (400, 422)


async def test_who_sees_redemptions(world):
    await world.verify(await world.credential())
    callers = await world.factory.callers()
    for role, caller in callers.items():
        expected = 200 if role in ("admin", "service_staff") else 403
        assert (await caller.get("/api/v1/redemptions")).status_code == expected, role
    # Staff elsewhere see none of this point's redemptions.
    assert (await callers["service_staff"].get("/api/v1/redemptions")).json()["items"] == []
    stranger = callers["entrepreneur"]
    assert (await stranger.get(f"/api/v1/cards/{world.card['id']}/redemptions")).status_code == 404
    scoped = await world.factory.user("admin", district="仓山区")
    assert (await scoped.get("/api/v1/redemptions")).json()["items"] == []


def test_a_signing_key_from_the_environment(tmp_path):
    """CARD_SIGNING_KEY (PEM) signs, and nothing is written to DATA_DIR/keys for it."""
    pem = (
        Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    code = (
        "import asyncio\n"
        "from backend import db\n"
        "from backend.migrate import migrate\n"
        "from backend.cards import keys\n"
        "async def main():\n"
        "    await migrate(); await db.start()\n"
        "    async with db.transaction():\n"
        "        kid = await keys.ensure_key()\n"
        "    print(kid, (await keys.ring(max_age=0)).active_kid)\n"
        "    await db.stop()\n"
        "asyncio.run(main())\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
        "CARD_SIGNING_KEY": pem,
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=".")
    assert out.returncode == 0, out.stderr
    kid, active = out.stdout.split()
    assert kid == active
    assert not list((tmp_path / "keys").glob("card-*.pem")) if (tmp_path / "keys").exists() else True


async def test_figures_for_the_summary_report(world):
    from backend.cards.service import card_figures
    from backend.cards.verification import redemption_figures

    await world.verify(await world.credential())
    start, end = clock.now() - dt.timedelta(days=1), clock.now() + dt.timedelta(days=1)
    assert await card_figures(start=start, end=end) == {
        "issued": 1,
        "active": 1,
        "suspended": 0,
        "revoked": 0,
        "expired": 0,
    }
    assert (await card_figures(start=start, end=end, district="仓山区"))["issued"] == 0
    figures = await redemption_figures(start=start, end=end)
    assert figures["total"] == 1 and figures["by_service"]["medical"] == 1 and figures["by_service"]["legal"] == 0
    assert (await redemption_figures(start=start, end=end, district="仓山区"))["total"] == 0


async def test_the_holders_history_names_the_service_points(world):
    token = await world.credential()
    await world.verify(token)
    await world.verify(token, staff=await world.staff_at("transport"))
    history = (await world.holder.get(f"/api/v1/cards/{world.card['id']}/redemptions")).json()["items"]
    names = await _point_names()
    assert [(r["service"], r["service_point_name"]) for r in history] == [
        ("medical", names[world.staff.actor.service_point_id]),
        ("transport", names[history[1]["service_point_id"]]),
    ]
    assert history[0]["service_point_name"].startswith("服务点")
    # The holder's name is masked as on the QR (the same list is read at the service window).
    assert {(r["holder_name"], r["enterprise_name"]) for r in history} == {("张*丰", "福州绿源科技有限公司")}


async def _point_names() -> dict[str, str]:
    from backend.orgs.tables import ServicePoint

    return {str(r["id"]): r["name"] for r in await ServicePoint.select(ServicePoint.id, ServicePoint.name)}


async def test_service_staff_see_their_own_points_scans_of_a_day(world):
    """The window's "today" list: its own point only, whoever scanned; another point's id is 403."""
    token = await world.credential()
    colleague = await world.factory.user("service_staff", service_point_id=world.staff.actor.service_point_id)
    elsewhere = await world.staff_at("transport")
    clock.set_now(dt.datetime(2027, 3, 1, 1, 0, tzinfo=dt.UTC))  # 09:00 in Shanghai
    mine = await world.verify(token)
    theirs = await world.verify(token, staff=colleague)
    other_point = await world.verify(token, staff=elsewhere)
    clock.set_now(dt.datetime(2027, 3, 1, 16, 30, tzinfo=dt.UTC))  # 00:30 on 2 March in Shanghai
    tomorrow = await world.verify(token)

    async def listed(caller, query: str = "") -> list[str]:
        reply = await caller.get(f"/api/v1/redemptions{query}")
        assert reply.status_code == 200, reply.text
        return [r["id"] for r in reply.json()["items"]]

    point = world.staff.actor.service_point_id
    today = f"?service_point_id={point}&from=2027-03-01&to=2027-03-01"
    assert await listed(world.staff, today) == [mine["redemption_id"], theirs["redemption_id"]]
    assert await listed(colleague, "?from=2027-03-02&to=2027-03-02") == [tomorrow["redemption_id"]]
    assert await listed(elsewhere) == [other_point["redemption_id"]]
    row = (await world.staff.get(f"/api/v1/redemptions{today}")).json()["items"][0]
    assert (row["holder_name"], row["card_number"], row["service"]) == ("张*丰", world.card["number"], "medical")

    for query in (f"?service_point_id={elsewhere.actor.service_point_id}", "?service_point_id=not-a-uuid"):
        reply = await world.staff.get(f"/api/v1/redemptions{query}")
        assert reply.status_code == 403 and reply.json()["code"] == "out_of_scope", query
    assert (await world.staff.get("/api/v1/redemptions?from=today")).status_code == 422
