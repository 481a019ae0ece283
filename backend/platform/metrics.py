"""Prometheus metrics the domains count into (prometheus-client; one line at each place counted).

Bottom layer: imports nothing of the application, so any domain may call it. HTTP requests are
counted by Litestar's Prometheus middleware (`routes.py`), queue depths are read at scrape time.
Counts live in the process that made them; with several workers `serve` switches the client to
its multiprocess mode (`multiprocess.py`) so one scrape sums every worker.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter

PREFIX = "greencard"

VERIFICATIONS = Counter(
    f"{PREFIX}_verifications",
    "Verdicts given on scanned tokens, by result and reason (reason none for a valid one)",
    ["result", "reason"],
)
REMINDER_SWEEPS = Counter(
    f"{PREFIX}_reminder_sweeps",
    "Reminder sweeps run, by outcome: ok, or rule_failed when a rule raised (the others still ran)",
    ["outcome"],
)
REMINDERS_SENT = Counter(f"{PREFIX}_reminders_sent", "Reminders sent (claimed and written), by rule", ["rule"])
WEBHOOK_DELIVERIES = Counter(
    f"{PREFIX}_webhook_deliveries",
    "Webhook delivery attempts, by outcome: delivered, retrying (will be tried again) or failed (gave up)",
    ["outcome"],
)


def verdict(result: str, reason: str | None) -> None:
    """A verification verdict was given."""
    VERIFICATIONS.labels(result=result, reason=reason or "none").inc()


def sweep(*, failed_rules: Iterable[str], sent_rules: Iterable[str]) -> None:
    """A reminder sweep finished; `sent_rules` names the rule of each reminder sent."""
    REMINDER_SWEEPS.labels(outcome="rule_failed" if list(failed_rules) else "ok").inc()
    for rule in sent_rules:
        REMINDERS_SENT.labels(rule=rule).inc()


def delivery(outcome: str) -> None:
    """A webhook delivery attempt was recorded."""
    WEBHOOK_DELIVERIES.labels(outcome=outcome).inc()
