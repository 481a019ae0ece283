"""The demo city loads, loads again without changing anything, and its reports add up."""

from __future__ import annotations

import datetime as dt

from backend.demo import load as demo
from backend.platform import clock


async def test_demo_data_is_idempotent_and_reports_agree(client, factory):
    first = await demo.load(scale=0.05, quiet=True)
    assert first["enterprises"] == 26 and first["cards"] == 5
    assert first["visits"] > 100 and first["issues"] > 50 and first["redemptions"] > 0
    second = await demo.load(scale=0.05, quiet=True)
    assert second == first

    login = await client.post("/api/v1/auth/login", json={"username": "demo_admin", "password": demo.PASSWORD})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    today = clock.today()
    params = {"from": (today - dt.timedelta(days=400)).isoformat(), "to": today.isoformat()}
    summary = (await client.get("/api/v1/reports/summary", params=params, headers=headers)).json()
    rows = (await client.get("/api/v1/reports/by-district", params=params, headers=headers)).json()["items"]
    assert len(rows) == 13
    assert summary["issues"]["received"] == first["issues"] == sum(r["issues_received"] for r in rows)
    assert summary["visits"] == first["visits"] == sum(r["visits"] for r in rows)
    assert summary["redemptions"]["total"] == first["redemptions"] == sum(r["redemptions"] for r in rows)
    assert summary["cards"]["issued"] == 5
    statuses = {k for k, v in summary["issues"].items() if isinstance(v, int) and v > 0}
    assert {"on_spot", "assigned", "transferred", "redirected", "resolved", "open"} <= statuses
    leaders = (await client.get("/api/v1/reports/by-leader", params=params, headers=headers)).json()["items"]
    assert sum(r["visits"] for r in leaders) == summary["visits"]
