"""Login throttling in a real `serve` process, through real sockets: X-Forwarded-For is not
believed by default (uvicorn's own handling trusted every local process), and a storm of
simultaneous failed logins is answered 401 at most up to the limit while the server hashes at
most one password per core (its thread count stays put instead of growing a thread per attempt).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from pathlib import Path

import httpx

from backend.platform.settings import settings
from tests.servers import Server

LOGIN = "/api/v1/auth/login"


def threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


async def test_a_real_server_ignores_forwarded_for_and_bounds_hashing_under_a_storm():
    env = os.environ | {
        "REMINDER_INTERVAL_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "TRUSTED_PROXIES": "",
        # A hash that takes a few milliseconds, so that a storm's checks overlap.
        "PASSWORD_MEMORY_KIB": "8192",
        "PASSWORD_TIME_COST": "2",
    }
    server = Server(env)
    try:
        await server.ready(time.monotonic() + 60)
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client:

            async def attempt(i: int) -> httpx.Response:
                # Every attempt claims another address: a client rotating X-Forwarded-For.
                return await client.post(
                    LOGIN,
                    json={"username": f"rotating{i}", "password": "wrong-password"},
                    headers={"X-Forwarded-For": f"198.51.100.{i % 250}"},
                )

            await attempt(0)  # warm up: the first hash starts the worker thread it needs
            before = threads(server.pid)
            replies = await asyncio.gather(*(attempt(i) for i in range(1, 80)))
            after = threads(server.pid)
        got = Counter(r.status_code for r in replies)
        # Every attempt came from 127.0.0.1, whatever the header said: 29 more 401s, then 429.
        assert got == {401: settings.login_max_failures_address - 1, 429: 80 - settings.login_max_failures_address}, got
        assert all("retry-after" in r.headers for r in replies if r.status_code == 429)
        # At most one more hashing thread per core than before the storm.
        assert after <= before + settings.password_hash_concurrency, (before, after)
    finally:
        log = Path(server.log.name).read_text()
        server.stop()
    assert "Traceback" not in log, log[-3000:]
