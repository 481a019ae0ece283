"""The demo-data command prints an entrepreneur and a service-staff login that can show and scan
a card end to end: the entrepreneur's card is active and covers the staff's service point."""

from __future__ import annotations

import re

from backend.cards import keys, verification
from backend.demo import load as demo


async def test_the_printed_logins_can_show_and_scan_a_card(client, capsys):
    # Tables are emptied before every test, and card numbers come round again: forget the caches.
    keys.forget()
    verification._POINT_SERVICE.clear()
    verification._CARD_INFO.clear()
    await demo.load(scale=0.05)
    printed = capsys.readouterr().out
    logins = dict(re.findall(r"│ (demo_\w+)\s+│ (entrepreneur|service_staff)\s+│", printed))
    by_role = {role: username for username, role in logins.items()}
    assert set(by_role) == {"entrepreneur", "service_staff"}, printed

    async def signed_in(username: str) -> dict[str, str]:
        reply = await client.post("/api/v1/auth/login", json={"username": username, "password": demo.PASSWORD})
        assert reply.status_code == 200, reply.text
        return {"Authorization": f"Bearer {reply.json()['access_token']}"}

    owner, staff = await signed_in(by_role["entrepreneur"]), await signed_in(by_role["service_staff"])
    card = (await client.get("/api/v1/me/card", headers=owner)).json()
    assert card["status"] == "active"
    token = (await client.get("/api/v1/me/card/presentation", headers=owner)).json()["token"]
    verdict = (await client.post("/api/v1/verifications", json={"token": token}, headers=staff)).json()
    assert verdict["result"] == "valid", verdict
    assert verdict["card"]["number"] == card["number"]
    keys.forget()
