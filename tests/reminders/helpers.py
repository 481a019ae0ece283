"""Webhook receivers as real local HTTP servers, and reminder-making helpers for the tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from backend.platform.dates import SHANGHAI
from backend.reminders import schemas as s

SECRET = "a-test-secret-of-32-characters!!"


def shanghai(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


WEEKDAY_MORNING = shanghai(2026, 12, 2, 10, 0)  # a Wednesday, in working hours


class Receiver:
    """A webhook receiver on 127.0.0.1 that records what it got and answers as told.

    mode: "ok" (200), "error" (500), "slow" (answers after `delay` s), "redirect" (302 elsewhere).
    """

    def __init__(self, mode: str = "ok", delay: float = 1.0) -> None:
        self.mode = mode
        self.delay = delay
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if receiver.mode == "slow":
                    time.sleep(receiver.delay)
                if receiver.mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", receiver.url + "/moved")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 500 if receiver.mode == "error" else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # the default backlog of 5 refuses concurrent deliveries

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self.requests]


def refused_url() -> str:
    """A local URL where nothing listens (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/hook"


def verify(request: dict[str, Any], secret: str = SECRET) -> bool:
    """What a receiver does: recompute the HMAC of the raw body and compare in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request["headers"].get("X-Signature", ""))


def reminder(
    n: int, recipients: list[str], *, urgent: bool = False, event: s.Event = s.Event.ISSUE_OVERDUE
) -> s.Reminder:
    return s.Reminder(
        rule="test_rule",
        subject_id=f"subject-{n}",
        occasion="2026-12-01",
        recipients=tuple(recipients),
        event=s.Event(event),
        payload={"n": n},
        subject_type="issue",
        title=f"测试提醒 {n}",
        body="正文",
        urgent=urgent,
    )


def rule_of(*reminders: s.Reminder, fail_after: int | None = None):
    """A rule yielding `reminders` (raising after `fail_after` of them, like a crash part-way)."""

    async def test_rule(now: dt.datetime):
        for i, item in enumerate(reminders):
            if fail_after is not None and i == fail_after:
                raise RuntimeError("sweep interrupted")
            yield item

    return test_rule
