"""The timetable: APScheduler 3.11 (memory job store) runs JOBS in every API process.

Each process has its own timer; correctness never depends on it, because every job claims its
work in the database (see sweep.py and delivery.py), so several processes may run the same job
at the same moment. REMINDER_INTERVAL_SECONDS sets the period (default 60; 0 disables the
timetable); the purge has its own, PURGE_INTERVAL_SECONDS (default 3600; 0 leaves it to cron).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any, AsyncIterator, Awaitable, Callable

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from backend.reminders import config, housekeeping
from backend.reminders.delivery import deliver_due
from backend.reminders.sweep import sweep

log = structlog.get_logger("backend.reminders.scheduler")


async def reminder_sweep() -> Any:
    """Job: the reminder sweep at the current clock."""
    return await sweep()


async def webhook_delivery() -> Any:
    """Job: one pass over the webhook outbox."""
    return await deliver_due()


async def purge_expired() -> Any:
    """Job: delete rows past their retention (one-time tokens, Idempotency-Keys, failed logins)."""
    return await housekeeping.purge()


# Every scheduled job; each is a plain async function, callable directly (tests set the clock).
JOBS: list[Callable[[], Awaitable[Any]]] = [reminder_sweep, webhook_delivery, purge_expired]


def _period(job: Callable[[], Awaitable[Any]], interval_seconds: float) -> float:
    """Seconds between runs: the purge has its own (PURGE_INTERVAL_SECONDS), the rest the timetable's."""
    if job is purge_expired:
        return housekeeping.load().interval_seconds
    return interval_seconds


def _guarded(job: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await job()
        except Exception as exc:  # noqa: BLE001 - a failing run is logged; the next one retries
            log.error("job_failed", job=job.__name__, error=repr(exc), exc_info=exc)

    # APScheduler names a job after its function's qualified name: without these, every job
    # logs as `_guarded.<locals>.run`.
    run.__name__ = run.__qualname__ = job.__name__
    return run


def build(interval_seconds: float) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=dt.UTC)
    first = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=min(interval_seconds, 5))
    for job in JOBS:
        period = _period(job, interval_seconds)
        if period <= 0:
            continue
        scheduler.add_job(
            _guarded(job),
            "interval",
            seconds=period,
            id=job.__name__,
            name=job.__name__,
            next_run_time=first,
            max_instances=1,  # a slow run is not overlapped by the next one in this process
            coalesce=True,
            misfire_grace_time=max(1, int(period)),
        )
    return scheduler


@contextlib.asynccontextmanager
async def running() -> AsyncIterator[AsyncIOScheduler | None]:
    """Run the timetable for the lifetime of the app (nothing when the interval is 0)."""
    interval = config.load().interval_seconds
    if interval <= 0:
        yield None
        return
    scheduler = build(interval)
    scheduler.start()
    log.info("scheduler_started", interval_seconds=interval, jobs=[j.__name__ for j in JOBS])
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)
