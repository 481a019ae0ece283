"""Reminder and webhook settings, read from the environment each time (all optional)."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class ReminderConfig:
    interval_seconds: float  # sweep and outbox timetable; 0 disables the scheduler
    webhook_timeout_seconds: float  # per delivery attempt (connect + read)
    webhook_max_attempts: int  # then the delivery is marked failed
    webhook_backoff_seconds: float  # first retry delay; doubles per attempt
    webhook_backoff_cap_seconds: float  # longest delay between attempts
    webhook_batch: int  # deliveries claimed per pass
    webhook_concurrency: int = 10  # requests in flight per pass
    webhook_allowed_hosts: str = ""  # names, addresses, CIDR ranges that may be targeted though not public

    @property
    def lease_seconds(self) -> float:
        """How long a claimed batch stays ours: every attempt in it, at worst all timing out, plus a margin."""
        rounds = -(-self.webhook_batch // self.webhook_concurrency)
        return self.webhook_timeout_seconds * rounds + 30


def load() -> ReminderConfig:
    return ReminderConfig(
        interval_seconds=_number("REMINDER_INTERVAL_SECONDS", 60),
        webhook_timeout_seconds=_number("WEBHOOK_TIMEOUT_SECONDS", 5),
        webhook_max_attempts=int(_number("WEBHOOK_MAX_ATTEMPTS", 8)),
        webhook_backoff_seconds=_number("WEBHOOK_BACKOFF_SECONDS", 30),
        webhook_backoff_cap_seconds=_number("WEBHOOK_BACKOFF_CAP_SECONDS", 3600),
        webhook_batch=max(1, int(_number("WEBHOOK_BATCH", 50))),
        webhook_concurrency=max(1, int(_number("WEBHOOK_CONCURRENCY", 10))),
        webhook_allowed_hosts=os.environ.get("WEBHOOK_ALLOWED_HOSTS", ""),
    )
