"""The reminder sweep: run every rule, send each reminder exactly once.

Exactly once, across sweeps and processes: a reminder is claimed by inserting its
(rule, subject_id, occasion) row into `sent_reminders`, whose UNIQUE index lets one insert win;
the winner's notifications and webhook outbox rows go in the same transaction, so a reminder is
wholly sent or not at all. A concurrent twin blocks on the index until the winner commits, then
fails and moves on. A sweep that dies part-way loses nothing: what it committed is recorded,
what it did not is found again by the next sweep (rules are queries over the current data).

Working hours: urgent reminders (an issue overdue or escalated) go out at any hour. Others are
not claimed outside working hours (Asia/Shanghai, Chinese working days); they are counted as
`deferred`, and the first sweep in working hours claims them, since their occasion key does
not depend on the hour. No queue of deferred items is kept: the data is the queue.
"""

from __future__ import annotations

import datetime as dt
from typing import AsyncIterator, Callable, Sequence

import structlog

from backend.platform import clock, db, metrics, workdays
from backend.platform.ids import new_id
from backend.reminders import notifications, webhooks
from backend.reminders import schemas as s
from backend.reminders.rules import RULES
from backend.reminders.tables import Notification, SentReminder

Rule = Callable[[dt.datetime], AsyncIterator[s.Reminder]]
log = structlog.get_logger("backend.reminders.sweep")


async def already_sent(reminder: s.Reminder) -> bool:
    return await SentReminder.exists().where(
        (SentReminder.rule == reminder.rule)
        & (SentReminder.subject_id == reminder.subject_id)
        & (SentReminder.occasion == reminder.occasion)
    )


async def send_once(reminder: s.Reminder, now: dt.datetime) -> s.SentItem | None:
    """Claim and send one reminder in one transaction; None when another sweep already did."""
    notes = notifications.rows_for(reminder, now)
    try:
        async with db.transaction():
            claim_id = new_id()
            await SentReminder.insert(
                SentReminder(
                    id=claim_id,
                    rule=reminder.rule,
                    subject_id=reminder.subject_id,
                    occasion=reminder.occasion,
                    event=reminder.event.value,
                    recipients=len(notes),
                    deliveries=0,
                    sent_at=now,
                )
            )
            if notes:
                await Notification.insert(*notes)
            deliveries = await webhooks.enqueue(
                event=reminder.event.value,
                subject_type=reminder.subject_type,
                subject_id=reminder.subject_id,
                data=reminder.payload | {"rule": reminder.rule, "occasion": reminder.occasion},
                text=f"{reminder.title}\n{reminder.body}".strip(),
                now=now,
            )
            if deliveries:
                await SentReminder.update({SentReminder.deliveries: deliveries}).where(SentReminder.id == claim_id)
    except Exception as exc:
        if db.is_unique_violation(exc):
            return None
        raise
    return s.SentItem(
        rule=reminder.rule,
        event=reminder.event.value,
        subject_id=reminder.subject_id,
        occasion=reminder.occasion,
        recipients=len(notes),
        deliveries=deliveries,
    )


async def sweep(*, now: dt.datetime | None = None, rules: Sequence[Rule] | None = None) -> s.SweepResult:
    """Run every rule once; each reminder not yet sent (and due at this hour) is sent now."""
    if rules is None:
        rules = RULES
    now = now or clock.now()
    working = workdays.in_working_hours(now)
    result = s.SweepResult(ran_at=now, working_hours=working, sent=[], deferred=0, failed_rules=[])
    for rule in rules:
        name = getattr(rule, "__name__", repr(rule))
        try:
            async for reminder in rule(now):
                if not reminder.urgent and not working:
                    if not await already_sent(reminder):
                        result.deferred += 1
                    continue
                if await already_sent(reminder):
                    continue
                try:
                    item = await send_once(reminder, now)
                except Exception as exc:  # noqa: BLE001 - one bad reminder must not stop the rest
                    log.error("reminder_failed", rule=reminder.rule, subject_id=reminder.subject_id, error=repr(exc))
                    continue
                if item is not None:
                    result.sent.append(item)
        except Exception as exc:  # noqa: BLE001 - one failing rule must not stop the others
            log.error("reminder_rule_failed", rule=name, error=repr(exc), exc_info=exc)
            result.failed_rules.append(name)
    if result.sent or result.failed_rules:
        log.info("reminder_sweep", sent=len(result.sent), deferred=result.deferred, failed_rules=result.failed_rules)
    metrics.sweep(failed_rules=result.failed_rules, sent_rules=[item.rule for item in result.sent])
    return result
