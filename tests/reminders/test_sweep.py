"""The sweep sends each reminder once: across repeated and concurrent sweeps, crashes, and hours."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from backend.platform import clock
from backend.reminders import scheduler, webhooks
from backend.reminders import sweep as sweep_module
from backend.reminders.sweep import sweep
from backend.reminders.tables import Notification, SentReminder, WebhookDelivery, WebhookSubscription
from tests.reminders.helpers import SECRET, WEEKDAY_MORNING, reminder, rule_of, shanghai


async def subscribe(*events: str, url: str = "http://127.0.0.1:9/hook") -> None:
    import msgspec

    from backend.platform.ids import new_id

    await WebhookSubscription.insert(
        WebhookSubscription(
            id=new_id(),
            url=url,
            events=msgspec.json.encode(list(events)).decode(),
            secret=SECRET,
            format="json",
            active=True,
            created_at=clock.now(),
        )
    )


async def test_a_sweep_notifies_each_recipient_and_queues_one_delivery_per_subscription(factory):
    clock.set_now(WEEKDAY_MORNING)
    a, b = await factory.user("department"), await factory.user("secretary")
    await subscribe("issue.overdue")
    await subscribe("issue.overdue", "card.expiring")
    await subscribe("card.expiring")
    rule = rule_of(reminder(1, [a.id, b.id, a.id]), reminder(2, [b.id]))

    result = await sweep(rules=[rule])

    assert [(i.subject_id, i.recipients, i.deliveries) for i in result.sent] == [
        ("subject-1", 2, 2),
        ("subject-2", 1, 2),
    ]
    assert await Notification.count().where(Notification.user_id == a.id) == 1
    assert await Notification.count().where(Notification.user_id == b.id) == 2
    assert await WebhookDelivery.count() == 4
    again = await sweep(rules=[rule])
    assert again.sent == [] and await Notification.count() == 3 and await WebhookDelivery.count() == 4


async def test_concurrent_sweeps_send_each_reminder_once(factory):
    clock.set_now(WEEKDAY_MORNING)
    users = [await factory.user("department") for _ in range(3)]
    await subscribe("issue.overdue")
    rule = rule_of(*(reminder(n, [u.id for u in users]) for n in range(5)))

    results = await asyncio.gather(*(sweep(rules=[rule]) for _ in range(4)))

    assert sum(len(r.sent) for r in results) == 5
    assert await SentReminder.count() == 5
    assert await Notification.count() == 15
    assert await WebhookDelivery.count() == 5


async def test_a_sweep_interrupted_part_way_loses_nothing_and_repeats_nothing(factory):
    clock.set_now(WEEKDAY_MORNING)
    user = await factory.user("department")
    items = [reminder(n, [user.id]) for n in range(4)]

    first = await sweep(rules=[rule_of(*items, fail_after=2)])
    assert len(first.sent) == 2 and first.failed_rules == ["test_rule"]

    second = await sweep(rules=[rule_of(*items)])
    assert [i.subject_id for i in second.sent] == ["subject-2", "subject-3"]
    rows = await Notification.select(Notification.subject_id).where(Notification.user_id == user.id)
    assert sorted(r["subject_id"] for r in rows) == [f"subject-{n}" for n in range(4)]


async def test_a_failure_inside_a_reminders_transaction_rolls_it_back_for_the_next_sweep(factory, monkeypatch):
    clock.set_now(WEEKDAY_MORNING)
    user = await factory.user("department")
    await subscribe("issue.overdue")
    items = [reminder(n, [user.id]) for n in range(3)]
    real_enqueue = webhooks.enqueue

    async def crash_on_subject_1(**kw):
        if kw["subject_id"] == "subject-1":
            raise ConnectionError("database went away mid-reminder")
        return await real_enqueue(**kw)

    monkeypatch.setattr(sweep_module.webhooks, "enqueue", crash_on_subject_1)
    first = await sweep(rules=[rule_of(*items)])
    assert [i.subject_id for i in first.sent] == ["subject-0", "subject-2"]
    assert not await Notification.exists().where(Notification.subject_id == "subject-1")
    assert not await SentReminder.exists().where(SentReminder.subject_id == "subject-1")

    monkeypatch.setattr(sweep_module.webhooks, "enqueue", real_enqueue)
    second = await sweep(rules=[rule_of(*items)])
    assert [i.subject_id for i in second.sent] == ["subject-1"]
    assert await Notification.count() == 3 and await WebhookDelivery.count() == 3


async def test_one_failing_rule_does_not_stop_the_others(factory):
    clock.set_now(WEEKDAY_MORNING)
    user = await factory.user("department")

    async def broken(now):
        raise RuntimeError("bad data")
        yield  # pragma: no cover

    result = await sweep(rules=[broken, rule_of(reminder(1, [user.id]))])
    assert result.failed_rules == ["broken"] and len(result.sent) == 1


@pytest.mark.parametrize(
    "at",
    [
        shanghai(2026, 12, 2, 20, 0),  # a weekday evening
        shanghai(2026, 12, 5, 10, 0),  # a Saturday
        shanghai(2026, 10, 5, 10, 0),  # a Monday in the National Day holiday
    ],
)
async def test_non_urgent_reminders_wait_for_working_hours_urgent_ones_do_not(factory, at):
    clock.set_now(at)
    user = await factory.user("department")
    rule = rule_of(reminder(1, [user.id], urgent=True), reminder(2, [user.id], event="card.expiring"))

    off_hours = await sweep(rules=[rule])
    assert [i.subject_id for i in off_hours.sent] == ["subject-1"] and off_hours.deferred == 1
    assert not off_hours.working_hours


async def test_a_deferred_reminder_goes_out_on_the_first_working_morning_after_a_holiday(factory):
    user = await factory.user("department")
    rule = rule_of(reminder(2, [user.id], event="card.expiring"))
    clock.set_now(shanghai(2026, 9, 30, 18, 30))  # after hours, before the National Day holiday
    assert (await sweep(rules=[rule])).deferred == 1
    for day in range(1, 8):
        clock.set_now(shanghai(2026, 10, day, 10, 0))
        assert (await sweep(rules=[rule])).sent == []
    clock.set_now(shanghai(2026, 10, 8, 8, 59))
    assert (await sweep(rules=[rule])).sent == []
    clock.set_now(shanghai(2026, 10, 8, 9, 0))
    assert len((await sweep(rules=[rule])).sent) == 1
    assert (await sweep(rules=[rule])).deferred == 0


async def test_the_scheduled_jobs_are_plain_functions_run_with_a_set_clock(factory, monkeypatch):
    clock.set_now(WEEKDAY_MORNING)
    names = [job.__name__ for job in scheduler.JOBS]
    assert names == ["reminder_sweep", "webhook_delivery", "purge_expired"]
    for job in scheduler.JOBS:
        await job()  # no rules' data, no outbox: runs cleanly


async def test_the_timetable_runs_every_job_at_the_configured_interval(monkeypatch):
    monkeypatch.setenv("REMINDER_INTERVAL_SECONDS", "15")
    async with scheduler.running() as timer:
        jobs = {job.id: job.trigger.interval for job in timer.get_jobs()}
    assert jobs == {
        "reminder_sweep": dt.timedelta(seconds=15),
        "webhook_delivery": dt.timedelta(seconds=15),
        "purge_expired": dt.timedelta(hours=1),  # its own period, PURGE_INTERVAL_SECONDS
    }
    monkeypatch.setenv("REMINDER_INTERVAL_SECONDS", "0")
    async with scheduler.running() as timer:
        assert timer is None


def test_the_cli_runs_one_sweep(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "backend", "migrate"], cwd=root, env=env, check=True, capture_output=True)
    out = subprocess.run(
        [sys.executable, "-m", "backend", "reminders", "run"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert json.loads(out)["sweep"]["sent"] == []
