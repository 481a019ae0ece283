"""The purge job: rows past their retention go, recent ones stay, and nothing that relies on them breaks."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from backend.cards.tables import UsedPresentation
from backend.platform import clock, db
from backend.platform.ids import new_id
from backend.platform.tables import IdempotencyRecord, OutboxEvent
from backend.reminders import scheduler
from backend.security.tables import LoginFailure, RefreshToken

NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)


def presentation(expires_at: dt.datetime) -> UsedPresentation:
    return UsedPresentation(
        id=new_id(), jti=uuid.uuid4().hex, card_id=uuid.uuid4(), used_at=expires_at - H, expires_at=expires_at
    )


def refresh_link(user_id: str, expires_at: dt.datetime) -> RefreshToken:
    return RefreshToken(
        id=new_id(),
        user_id=uuid.UUID(user_id),
        family_id=uuid.uuid4(),
        token_hash=uuid.uuid4().hex,
        created_at=expires_at - 30 * D,
        expires_at=expires_at,
        used_at=expires_at - 29 * D,
    )


def idempotency_record(created_at: dt.datetime) -> IdempotencyRecord:
    return IdempotencyRecord(
        id=new_id(),
        user_id=uuid.uuid4(),
        key=uuid.uuid4().hex,
        fingerprint="f" * 64,
        status_code=201,
        body="{}",
        created_at=created_at,
    )


def outbox_event(created_at: dt.datetime, dispatched_at: dt.datetime | None) -> OutboxEvent:
    return OutboxEvent(
        id=new_id(),
        event="card.revoked",
        subject_type="card",
        subject_id=uuid.uuid4().hex,
        created_at=created_at,
        dispatched_at=dispatched_at,
    )


def failure(at: dt.datetime, key: str = "user:someone") -> LoginFailure:
    return LoginFailure(id=new_id(), key=key, at=at)


async def ids(table) -> set:
    return {row["id"] for row in await table.select(table.id)}


async def test_the_purge_deletes_old_rows_and_keeps_recent_ones(factory):
    user = await factory.user("admin")
    old_presentation, kept_presentation, live_presentation = (
        presentation(NOW - 25 * H),
        presentation(NOW - 23 * H),
        presentation(NOW + dt.timedelta(seconds=30)),
    )
    old_link, kept_link, live_link = (
        refresh_link(user.id, NOW - 2 * D),
        refresh_link(user.id, NOW - H),
        refresh_link(user.id, NOW + 29 * D),
    )
    old_key, kept_key = idempotency_record(NOW - 8 * D), idempotency_record(NOW - 6 * D)
    old_failure, kept_failure, recent_failure = failure(NOW - 25 * H), failure(NOW - 23 * H), failure(NOW - H / 60)
    await UsedPresentation.insert(old_presentation, kept_presentation, live_presentation)
    await RefreshToken.insert(old_link, kept_link, live_link)
    await IdempotencyRecord.insert(old_key, kept_key)
    await LoginFailure.insert(old_failure, kept_failure, recent_failure)
    # Dispatched over a week ago: gone; dispatched recently, or never (however old): kept.
    old_event, kept_event, undispatched = (
        outbox_event(NOW - 9 * D, NOW - 8 * D),
        outbox_event(NOW - 9 * D, NOW - 6 * D),
        outbox_event(NOW - 30 * D, None),
    )
    await OutboxEvent.insert(old_event, kept_event, undispatched)

    clock.set_now(NOW)
    deleted = await scheduler.purge_expired()
    assert deleted == {
        "card_used_presentations": 1,
        "refresh_tokens": 1,
        "idempotency_records": 1,
        "login_failures": 1,
        "outbox_events": 1,
    }
    assert await ids(OutboxEvent) == {kept_event.id, undispatched.id}
    assert await ids(UsedPresentation) == {kept_presentation.id, live_presentation.id}
    assert await ids(RefreshToken) == {kept_link.id, live_link.id}
    assert await ids(IdempotencyRecord) == {kept_key.id}
    assert await ids(LoginFailure) == {kept_failure.id, recent_failure.id}
    assert set((await scheduler.purge_expired()).values()) == {0}  # running again does nothing


async def test_login_failures_inside_the_throttling_window_stay_whatever_the_setting(client, factory, monkeypatch):
    await factory.user("admin", username="target")
    monkeypatch.setenv("LOGIN_FAILURE_RETENTION_HOURS", "0")
    clock.set_now(NOW)
    await LoginFailure.insert(*(failure(NOW - dt.timedelta(minutes=m), "user:target") for m in range(1, 6)))
    assert (await scheduler.purge_expired())["login_failures"] == 0
    reply = await client.post("/api/v1/auth/login", json={"username": "target", "password": "correct-horse-1"})
    assert reply.status_code == 429


async def test_a_reused_refresh_token_still_revokes_its_chain_after_a_purge(client, factory):
    await factory.user("admin", username="phone")
    clock.set_now(NOW)
    first = (await client.post("/api/v1/auth/login", json={"username": "phone", "password": "correct-horse-1"})).json()
    second = (await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    clock.set_now(NOW + 2 * D)
    await scheduler.purge_expired()
    reused = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and reused.json()["code"] == "refresh_token_reused"
    revoked = await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert revoked.status_code == 401


async def test_large_backlogs_are_deleted_in_batches():
    await LoginFailure.insert(*(failure(NOW - 2 * D) for _ in range(2500)), failure(NOW))
    assert await db.delete_in_batches(LoginFailure, LoginFailure.at < NOW - D, batch=1000) == 2500
    assert await LoginFailure.count() == 1


def test_the_purge_is_scheduled_on_its_own_period(monkeypatch):
    jobs = {job.id: job for job in scheduler.build(60).get_jobs()}
    assert jobs["purge_expired"].trigger.interval == dt.timedelta(hours=1)
    assert jobs["reminder_sweep"].trigger.interval == dt.timedelta(seconds=60)
    monkeypatch.setenv("PURGE_INTERVAL_SECONDS", "0")
    assert "purge_expired" not in {job.id for job in scheduler.build(60).get_jobs()}


async def test_the_cli_purges_and_says_what_it_deleted():
    now = dt.datetime.now(dt.UTC)
    old, recent = failure(now - 2 * D), failure(now - H)
    await LoginFailure.insert(old, recent)
    await IdempotencyRecord.insert(idempotency_record(now - 30 * D))
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "backend", "purge"],
        cwd=root,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    deleted = json.loads(done.stdout)["deleted"]
    assert deleted == {
        "card_used_presentations": 0,
        "refresh_tokens": 0,
        "idempotency_records": 1,
        "login_failures": 1,
        "outbox_events": 0,
    }
    assert await ids(LoginFailure) == {recent.id}
