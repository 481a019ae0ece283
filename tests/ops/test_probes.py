"""`/health` is liveness (the process alone), `/ready` readiness (database and migrations)."""

from __future__ import annotations

import asyncio

from piccolo.apps.migrations.tables import Migration

from backend.ops import config, probes


async def test_health_keeps_the_old_shape_and_says_the_database_was_not_checked(client):
    reply = await client.get("/health")
    assert reply.status_code == 200 and reply.json() == {"status": "ok", "database": "unchecked"}


async def test_ready_reports_each_check(client):
    reply = await client.get("/ready")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["status"] == "ok" and body["checks"]["database"]["latency_ms"] >= 0
    assert body["checks"]["migrations"] == {"status": "ok"}


async def test_ready_is_503_while_a_migration_is_not_applied(client):
    row = await Migration.select().order_by(Migration.id, ascending=False).first()
    await Migration.delete().where(Migration.id == row["id"])
    try:
        reply = await client.get("/ready")
        assert reply.status_code == 503
        body = reply.json()
        assert body["status"] == "not_ready" and body["checks"]["database"]["status"] == "ok"
        assert body["checks"]["migrations"]["status"] == "failed"
        assert body["checks"]["migrations"]["pending"] == [f"{row['app_name']}/{row['name']}"]
        assert (await client.get("/health")).status_code == 200
    finally:
        await Migration.insert(Migration(name=row["name"], app_name=row["app_name"], ran_on=row["ran_on"]))
    assert (await client.get("/ready")).status_code == 200


async def test_a_later_check_may_warn_without_failing_readiness(client, monkeypatch):
    async def calendar() -> probes.Check:
        return probes.Check("warning", detail="the holiday calendar ends this year")

    monkeypatch.setattr(probes, "CHECKS", [*probes.CHECKS, ("calendar", calendar, False)])
    reply = await client.get("/ready")
    assert reply.status_code == 200 and reply.json()["status"] == "ready"
    assert reply.json()["checks"]["calendar"] == {"status": "warning", "detail": "the holiday calendar ends this year"}


async def test_a_check_that_does_not_answer_fails_after_the_timeout(client, monkeypatch):
    never = asyncio.Event()

    async def stuck() -> probes.Check:
        await never.wait()
        return probes.Check("ok")

    monkeypatch.setattr(config, "PROBE_TIMEOUT_S", 0.05)
    monkeypatch.setattr(probes, "CHECKS", [*probes.CHECKS, ("stuck", stuck, True)])
    reply = await client.get("/ready")
    assert reply.status_code == 503
    assert reply.json()["checks"]["stuck"] == {"status": "failed", "detail": "no answer within 0.05 s"}
