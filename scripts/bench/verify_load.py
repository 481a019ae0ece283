#!/usr/bin/env python3
"""Load benchmark: POST /api/v1/verifications against GET /health on the same server, same run.

    python scripts/bench/verify_load.py                    # SQLite in a temporary directory
    python scripts/bench/verify_load.py --database-url postgresql://postgres@127.0.0.1:5432/bench

Starts `python -m backend serve` as a subprocess on a fresh database, issues a real card, then
drives both endpoints with 32 concurrent clients (wrk when installed, else httpx/asyncio) and
prints req/s, p99 latency and the ratio verify/health. Each verification is a full one: the
token judged, the card's status read, a redemption recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "bench-password-1"


def _env(data_dir: str, database_url: str) -> dict[str, str]:
    return os.environ | {
        "DATA_DIR": data_dir,
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "PASSWORD_MEMORY_KIB": "1024",
        "PASSWORD_TIME_COST": "1",
        "LOG_LEVEL": "WARNING",
        "ACCESS_TOKEN_TTL": "3600",
    }


def _cli(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "backend", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return out.stdout.strip()


async def _setup(base: str) -> tuple[str, str]:
    """(staff access token, card credential) on a fresh server."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def login(user: str) -> dict[str, str]:
            r = await client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
            r.raise_for_status()
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        admin = await login("bench-admin")

        async def post(path: str, body: dict) -> dict:
            r = await client.post(path, json=body, headers=admin)
            assert r.status_code == 201, r.text
            return r.json()

        ent = await post(
            "/api/v1/enterprises",
            {
                "name": "福州压测科技有限公司",
                "credit_code": "91350100MA0000001" + _check("91350100MA0000001"),
                "district": "鼓楼区",
            },
        )
        point = await post("/api/v1/service-points", {"name": "市立医院", "service": "medical", "district": "鼓楼区"})
        holder = await post(
            "/api/v1/users",
            {
                "username": "bench-holder",
                "password": PASSWORD,
                "role": "entrepreneur",
                "display_name": "张三丰",
                "enterprise_id": ent["id"],
            },
        )
        await post(
            "/api/v1/users",
            {
                "username": "bench-staff",
                "password": PASSWORD,
                "role": "service_staff",
                "display_name": "窗口",
                "service_point_id": point["id"],
            },
        )
        card = await post(
            "/api/v1/cards",
            {"holder_id": holder["id"], "enterprise_id": ent["id"], "services": ["medical", "transport"]},
        )
        r = await client.get(f"/api/v1/cards/{card['id']}/credential", headers=admin)
        r.raise_for_status()
        staff = await login("bench-staff")
        check = await client.post("/api/v1/verifications", json={"token": r.json()["token"]}, headers=staff)
        assert check.json()["result"] == "valid", check.text
        return staff["Authorization"], r.json()["token"]


def _check(body: str) -> str:
    from stdnum.cn import uscc

    return uscc.calc_check_digit(body)


def _wrk(
    url: str, seconds: int, connections: int, method: str = "GET", body: str = "", auth: str = ""
) -> tuple[float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "{method}"\n')
        if body:
            script.write(f"wrk.body = {json.dumps(body)}\n")
            script.write('wrk.headers["Content-Type"] = "application/json"\n')
        if auth:
            script.write(f'wrk.headers["Authorization"] = "{auth}"\n')
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if "Non-2xx" in out:
        raise RuntimeError(f"errors during the run:\n{out}")
    return rps, p99


async def _httpx(
    url: str, seconds: int, connections: int, method: str = "GET", body: str = "", auth: str = ""
) -> tuple[float, float]:
    latencies: list[float] = []
    headers = {"Authorization": auth, "Content-Type": "application/json"} if auth else {}
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker() -> None:
            while time.perf_counter() < stop:
                start = time.perf_counter()
                r = await client.request(method, url, content=body or None, headers=headers)
                r.raise_for_status()
                latencies.append((time.perf_counter() - start) * 1000)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return len(latencies) / elapsed, latencies[int(len(latencies) * 0.99) - 1]


def _load(tool: str, *args, **kw) -> tuple[float, float]:
    return _wrk(*args, **kw) if tool == "wrk" else asyncio.run(_httpx(*args, **kw))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--tool", choices=["wrk", "httpx"], default="wrk" if shutil.which("wrk") else "httpx")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="greencard-bench-")
    database_url = args.database_url or f"sqlite:///{data_dir}/bench.db"
    if database_url.startswith("postgres"):
        import asyncpg  # reset the benchmark database

        async def reset() -> None:
            conn = await asyncpg.connect(database_url)
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            await conn.close()

        asyncio.run(reset())
    env = _env(data_dir, database_url)
    _cli(env, "migrate")
    _cli(env, "create-user", "--username", "bench-admin", "--password", PASSWORD, "--role", "admin")
    server = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--no-migrate", "--port", str(args.port)], env=env, cwd=ROOT
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        auth, token = asyncio.run(_setup(base))
        body = json.dumps({"token": token})
        _load(args.tool, f"{base}/health", 2, args.connections)  # warm-up
        health = _load(args.tool, f"{base}/health", args.seconds, args.connections)
        verify = _load(
            args.tool,
            f"{base}/api/v1/verifications",
            args.seconds,
            args.connections,
            method="POST",
            body=body,
            auth=auth,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    engine = "postgresql" if database_url.startswith("postgres") else "sqlite"
    print(f"database={engine} tool={args.tool} connections={args.connections} seconds={args.seconds}")
    print(f"GET  /health               {health[0]:8.0f} req/s   p99 {health[1]:6.1f} ms")
    print(f"POST /api/v1/verifications {verify[0]:8.0f} req/s   p99 {verify[1]:6.1f} ms")
    ratio = verify[0] / health[0]
    print(f"ratio verify/health        {ratio:8.2f}   (target >= 0.15, p99 <= 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
