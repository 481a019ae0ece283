"""`python -m backend reminders run` (one sweep and one outbox pass) and `python -m backend purge`
(rows past their retention), for cron when the timetable is off."""

from __future__ import annotations

import argparse

import msgspec

from backend.platform.db import run_async
from backend.reminders import housekeeping, service


def _run(_: argparse.Namespace) -> int:
    result = run_async(service.run_now)
    print(msgspec.json.format(msgspec.json.encode(result)).decode())
    return 0


def _purge(_: argparse.Namespace) -> int:
    deleted = run_async(housekeeping.purge)
    print(msgspec.json.format(msgspec.json.encode({"deleted": deleted})).decode())
    return 0


def register(subparsers) -> None:
    group = subparsers.add_parser("reminders", help="reminder sweep and webhook outbox")
    sub = group.add_subparsers(dest="reminders_command", required=True)
    sub.add_parser("run", help="run one reminder sweep and deliver due webhooks now").set_defaults(func=_run)
    subparsers.add_parser(
        "purge", help="delete expired one-time tokens, idempotency keys and login failures past their retention"
    ).set_defaults(func=_purge)
