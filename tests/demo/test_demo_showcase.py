"""The demo-data command prints one login per role, and they tell one story: the owner's
enterprise is led by the printed leader, its issue is with the printed department and in the
printed secretary's review queue, and the printed window scans the owner's card. Display names are
people's names (the card prints the holder's), with no role words in them."""

from __future__ import annotations

import re

from backend.cards import keys, verification
from backend.demo import load as demo
from backend.platform import glossary
from backend.platform.actor import Role

ROLE_WORDS = [*glossary.ROLES.values(), "领导", "秘书", "管理员", "工作人员", "经办人", "营商办"]


async def test_the_printed_logins_tell_one_story(client, capsys):
    # Card numbers start again in every test: forget what earlier tests' scans cached by number.
    keys.forget()
    verification._POINT_SERVICE.clear()
    verification._CHECKED.clear()
    verification._CARD_INFO.clear()
    await demo.load(scale=0.05)
    printed = capsys.readouterr().out
    rows = re.findall(r"│ (demo_\w+)\s+│ (\w+)\s+│", printed)
    by_role = {role: username for username, role in rows}
    assert len(rows) == len(by_role) == len(Role) and set(by_role) == {r.value for r in Role}, printed

    async def signed_in(username: str) -> dict[str, str]:
        reply = await client.post("/api/v1/auth/login", json={"username": username, "password": demo.PASSWORD})
        assert reply.status_code == 200, reply.text
        return {"Authorization": f"Bearer {reply.json()['access_token']}"}

    headers = {role: await signed_in(username) for role, username in by_role.items()}
    me = {role: (await client.get("/api/v1/me", headers=h)).json() for role, h in headers.items()}
    for person in me.values():
        assert person["display_name"] and not any(word in person["display_name"] for word in ROLE_WORDS), person

    enterprise_id = me["entrepreneur"]["enterprise_id"]
    assignments = (
        await client.get(
            "/api/v1/assignments",
            params={"enterprise_id": enterprise_id, "status": "active"},
            headers=headers["entrepreneur"],
        )
    ).json()["items"]
    assert [a["leader_id"] for a in assignments] == [me["leader"]["id"]]

    handled = (
        await client.get("/api/v1/issues", params={"enterprise_id": enterprise_id}, headers=headers["department"])
    ).json()["items"]
    department_id = me["department"]["department_id"]
    assert any(i["department_id"] == department_id for i in handled)
    issue_id = next(i["id"] for i in handled if i["department_id"] == department_id)
    assert (await client.get(f"/api/v1/issues/{issue_id}", headers=headers["secretary"])).status_code == 200
    assert (await client.get(f"/api/v1/issues/{issue_id}", headers=headers["leader"])).status_code == 200

    card = (await client.get("/api/v1/me/card", headers=headers["entrepreneur"])).json()
    assert card["status"] == "active"
    card_png = await client.get(f"/api/v1/cards/{card['id']}/card.png", headers=headers["admin"])
    assert card_png.status_code == 200
    token = (await client.get("/api/v1/me/card/presentation", headers=headers["entrepreneur"])).json()["token"]
    verdict = (
        await client.post("/api/v1/verifications", json={"token": token}, headers=headers["service_staff"])
    ).json()
    assert verdict["result"] == "valid", verdict
    assert verdict["card"]["number"] == card["number"]
    keys.forget()
