#!/usr/bin/env python3
"""Login-storm benchmark: peak memory and /health latency while failed logins pour in.

    python scripts/bench/login_storm.py                          # SQLite in a temporary directory
    python scripts/bench/login_storm.py --database-url postgresql://postgres@127.0.0.1:5432/bench
    python scripts/bench/login_storm.py --hash-concurrency 40    # as before the bound (anyio's 40 threads)

Starts `python -m backend serve` (one process) with production Argon2 settings (64 MiB, t=3),
trusting X-Forwarded-For from 127.0.0.1 so that every attempt comes from another client address
and another username (the worst case: nothing is throttled, every attempt must be hashed).
It keeps `--concurrency` wrong-password logins in flight for `--seconds`, while one client asks
`/health` every 50 ms, and samples the server's memory. Prints the peak RSS (the kernel's
high-water mark), the most threads seen, the login answers by status, and /health latency
(p50, p99, max) before and during the storm, and one right-password login's time mid-storm.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "bench-password-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (KiB) and Threads of a process, from /proc."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads"):
            out[key] = int(value.split()[0])
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def _health_probe(client: httpx.AsyncClient, stop: asyncio.Event, into: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        r = await client.get("/health")
        into.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200, r.text
        await asyncio.sleep(0.05)


async def _sample(pid: int, stop: asyncio.Event, peaks: dict[str, int]) -> None:
    while not stop.is_set():
        status = _status(pid)
        peaks["threads"] = max(peaks.get("threads", 0), status["Threads"])
        peaks["rss"] = max(peaks.get("rss", 0), status["VmRSS"])
        await asyncio.sleep(0.05)


async def _storm(base: str, pid: int, concurrency: int, seconds: float) -> dict:
    limits = httpx.Limits(max_connections=concurrency + 20, max_keepalive_connections=concurrency + 20)
    async with (
        httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client,
        httpx.AsyncClient(base_url=base, timeout=30) as probe_client,
    ):
        # /health alone first, for comparison.
        quiet: list[float] = []
        stop_quiet = asyncio.Event()
        probe = asyncio.create_task(_health_probe(probe_client, stop_quiet, quiet))
        await asyncio.sleep(5)
        stop_quiet.set()
        await probe

        before = _status(pid)
        answers: Counter[int] = Counter()
        login_ms: list[float] = []
        counter = iter(range(10**9))
        deadline = time.monotonic() + seconds

        async def attacker() -> None:
            while time.monotonic() < deadline:
                n = next(counter)
                started = time.perf_counter()
                r = await client.post(
                    "/api/v1/auth/login",
                    json={"username": f"nobody{n}", "password": "not-the-password"},
                    headers={"X-Forwarded-For": f"198.18.{(n >> 8) & 255}.{n & 255}"},
                )
                login_ms.append((time.perf_counter() - started) * 1000)
                answers[r.status_code] += 1
                if r.status_code == 503:
                    await asyncio.sleep(float(r.headers.get("retry-after", "1")))

        async def right_login_mid_storm() -> tuple[int, int, float]:
            """A user with the right password, retrying after 503 as told: (status, tries, ms)."""
            await asyncio.sleep(seconds / 2)
            started = time.perf_counter()
            for tries in range(1, 11):
                r = await probe_client.post(
                    "/api/v1/auth/login",
                    json={"username": "bench-admin", "password": PASSWORD},
                    headers={"X-Forwarded-For": "203.0.113.50"},
                )
                if r.status_code != 503:
                    break
                await asyncio.sleep(float(r.headers.get("retry-after", "1")))
            return r.status_code, tries, (time.perf_counter() - started) * 1000

        stop = asyncio.Event()
        during: list[float] = []
        peaks: dict[str, int] = {}
        tasks = [
            asyncio.create_task(_health_probe(probe_client, stop, during)),
            asyncio.create_task(_sample(pid, stop, peaks)),
        ]
        started = time.monotonic()
        right = asyncio.create_task(right_login_mid_storm())
        await asyncio.gather(*(attacker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
        stop.set()
        await asyncio.gather(*tasks)
        after = _status(pid)
        return {
            "quiet": quiet,
            "during": during,
            "answers": answers,
            "elapsed": elapsed,
            "login_ms": login_ms,
            "rss_before": before["VmRSS"],
            "hwm": after["VmHWM"],
            "threads_before": before["Threads"],
            "threads_peak": peaks.get("threads", 0),
            "right": await right,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--concurrency", type=int, default=100, help="failed logins in flight at once (100)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the storm lasts (20)")
    parser.add_argument(
        "--hash-concurrency", type=int, help="PASSWORD_HASH_CONCURRENCY for the server (default: its own)"
    )
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="login-storm-")
    env = os.environ | {
        "DATA_DIR": tmp,
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/bench.db",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "PASSWORD_MEMORY_KIB": "65536",
        "PASSWORD_TIME_COST": "3",  # production Argon2id
        "TRUSTED_PROXIES": "127.0.0.1",  # each attempt names its own client address
        "LOG_LEVEL": "WARNING",
        "REMINDER_INTERVAL_SECONDS": "0",
    }
    if args.hash_concurrency:
        env["PASSWORD_HASH_CONCURRENCY"] = str(args.hash_concurrency)
    subprocess.run([sys.executable, "-m", "backend", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "backend",
            "create-user",
            "--username",
            "bench-admin",
            "--password",
            PASSWORD,
            "--role",
            "admin",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = open(Path(tmp) / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--no-migrate", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise SystemExit("server did not start")
        result = asyncio.run(_storm(base, server.pid, args.concurrency, args.seconds))
    finally:
        server.terminate()
        server.wait(10)

    quiet, during, answers = result["quiet"], result["during"], result["answers"]
    right_status, right_tries, right_ms = result["right"]
    print(
        f"database: {env['DATABASE_URL'].split('@')[-1]}   Argon2id 64 MiB t=3   "
        f"hash concurrency: {args.hash_concurrency or 'default (cores)'}   cores: {len(os.sched_getaffinity(0))}"
    )
    print(
        f"storm: {args.concurrency} failed logins in flight for {result['elapsed']:.1f} s, "
        f"{sum(answers.values())} answered: " + ", ".join(f"{k}: {v}" for k, v in sorted(answers.items()))
    )
    print(
        f"login answer time: p50 {_percentile(result['login_ms'], 0.5):.0f} ms, p99 {_percentile(result['login_ms'], 0.99):.0f} ms"
    )
    print(
        f"server RSS: {result['rss_before'] / 1024:.0f} MiB before, peak {result['hwm'] / 1024:.0f} MiB (VmHWM); "
        f"threads: {result['threads_before']} before, {result['threads_peak']} at most"
    )
    for name, values in (("quiet", quiet), ("storm", during)):
        print(
            f"/health {name}: n={len(values)} p50 {statistics.median(values):.1f} ms, "
            f"p99 {_percentile(values, 0.99):.1f} ms, max {max(values):.1f} ms"
        )
    print(f"a right password mid-storm: HTTP {right_status} after {right_tries} tries, {right_ms:.0f} ms in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
