#!/usr/bin/env python3
"""Memory benchmark: four concurrent 50-megapixel photo uploads against GET /health, one real server.

    python scripts/bench/photo_memory.py                       # the 145 KB 50 MP PNG, SQLite
    python scripts/bench/photo_memory.py --kind all            # every worst case, one fresh server each
    python scripts/bench/photo_memory.py --root ../old-checkout  # the same against another checkout

For each kind of image it starts `python -m backend serve` on a fresh database, logs a visit,
then sends the uploads all at once while polling /health every 50 ms, and samples the server's
resident memory (the whole process tree) every 10 ms from /proc. It prints the idle, peak and
settled RSS, the /health latencies during the uploads, and each upload's status and time.
Goal: peak under 1 GiB and every /health under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "bench-password-1"
W, H = 8160, 6120  # 49.9 MP: a 50 MP phone sensor


def _gradient(size: tuple[int, int]):
    from PIL import Image

    g = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (g, g.transpose(Image.Transpose.ROTATE_180), g))


def make_image(kind: str) -> tuple[bytes, str]:
    """(file bytes, description) for one worst case at the largest size the limits accept."""
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    if kind == "png":  # the file: 50 MP of black, 145 KB
        Image.new("RGB", (W, H)).save(out, format="PNG")
    elif kind == "png-alpha":  # transparent, so it cannot become a JPEG early
        Image.new("RGBA", (W, H), (0, 0, 0, 0)).save(out, format="PNG")
    elif kind == "jpeg-cmyk":  # progressive CMYK: libjpeg keeps every coefficient of 4 channels
        _gradient((W, H)).convert("CMYK").save(out, format="JPEG", quality=90, progressive=True)
    elif kind == "heic":
        _gradient((W, H)).save(out, format="HEIF", quality=50)
    elif kind == "webp":  # WebP's limit is 25 MP
        Image.new("RGB", (5000, 5000)).save(out, format="WEBP", lossless=True)
    else:
        raise ValueError(kind)
    data = out.getvalue()
    size = Image.open(io.BytesIO(data)).size
    return data, f"{kind} {size[0]}x{size[1]} ({size[0] * size[1] / 1e6:.1f} MP), {len(data) / 1024:.0f} KB"


def _env(data_dir: str, database_url: str, extra: dict[str, str]) -> dict[str, str]:
    return (
        os.environ
        | {
            "DATA_DIR": data_dir,
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": "http://127.0.0.1",
            "PASSWORD_MEMORY_KIB": "1024",
            "PASSWORD_TIME_COST": "1",
            "LOG_LEVEL": "WARNING",
            "ACCESS_TOKEN_TTL": "3600",
            "REMINDER_INTERVAL_SECONDS": "0",
        }
        | extra
    )


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, _tree_rss(self.pid))
            time.sleep(0.01)


async def _visit(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    """(visit id, the leader's auth header) on a fresh server."""

    async def login(user: str) -> dict[str, str]:
        r = await client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    admin = await login("bench-admin")

    async def post(path: str, body: dict, auth: dict[str, str]) -> dict:
        r = await client.post(path, json=body, headers=auth)
        assert r.status_code == 201, r.text
        return r.json()

    from stdnum.cn import uscc

    code = "91350100MA0000001"
    ent = await post(
        "/api/v1/enterprises",
        {"name": "福州压测科技有限公司", "credit_code": code + uscc.calc_check_digit(code), "district": "鼓楼区"},
        admin,
    )
    leader = await post(
        "/api/v1/users",
        {"username": "bench-leader", "password": PASSWORD, "role": "leader", "display_name": "王市长"},
        admin,
    )
    await post(
        "/api/v1/assignments",
        {"enterprise_id": ent["id"], "leader_id": leader["id"], "team": [], "mechanism": {"visit_interval_days": 30}},
        admin,
    )
    auth = await login("bench-leader")
    visited = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()
    visit = await post("/api/v1/visits", {"enterprise_id": ent["id"], "visited_at": visited, "summary": "压测"}, auth)
    return visit["id"], auth


async def _drive(base: str, image: bytes, uploads: int) -> tuple[list[tuple[int, float]], list[float]]:
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        visit_id, auth = await _visit(client)
        done = asyncio.Event()
        health: list[float] = []

        async def poll() -> None:
            async with httpx.AsyncClient(base_url=base, timeout=30) as probe:
                while not done.is_set():
                    start = time.perf_counter()
                    (await probe.get("/health")).raise_for_status()
                    health.append((time.perf_counter() - start) * 1000)
                    await asyncio.sleep(0.05)

        async def upload() -> tuple[int, float]:
            start = time.perf_counter()
            r = await client.post(
                f"/api/v1/visits/{visit_id}/photos",
                headers=auth,
                files={"file": ("photo", image, "application/octet-stream")},
            )
            return r.status_code, time.perf_counter() - start

        poller = asyncio.create_task(poll())
        await asyncio.sleep(0.3)
        results = await asyncio.gather(*(upload() for _ in range(uploads)))
        done.set()
        await poller
    return list(results), health


def run(kind: str, args: argparse.Namespace, root: Path) -> None:
    image, description = make_image(kind)
    data_dir = tempfile.mkdtemp(prefix="greencard-bench-")
    database_url = f"sqlite:///{data_dir}/bench.db"
    extra = {"PHOTO_CONCURRENCY": str(args.photo_concurrency)} if args.photo_concurrency else {}
    env = _env(data_dir, database_url, extra)

    def cli(*cmd: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "backend", *cmd], env=env, cwd=root, check=True, capture_output=True, timeout=120
        )

    cli("migrate")
    cli("create-user", "--username", "bench-admin", "--password", PASSWORD, "--role", "admin")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend",
            "serve",
            "--no-migrate",
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
        ],
        env=env,
        cwd=root,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        time.sleep(1.0)
        idle = _tree_rss(server.pid)
        sampler = Sampler(server.pid)
        sampler.start()
        began = time.perf_counter()
        results, health = asyncio.run(_drive(base, image, args.uploads))
        elapsed = time.perf_counter() - began
        sampler.running = False
        sampler.join()
        time.sleep(2.0)
        settled = _tree_rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    health.sort()
    mb = 1024 * 1024
    print(
        f"{description}; {args.uploads} concurrent uploads, workers={args.workers}, "
        f"PHOTO_CONCURRENCY={args.photo_concurrency or 'default'}, root={root}"
    )
    print(
        f"  server RSS   idle {idle / mb:6.0f} MB   peak {sampler.peak / mb:6.0f} MB   "
        f"2 s after {settled / mb:6.0f} MB   (goal: peak < 1024 MB)"
    )
    print(
        f"  /health      {len(health)} requests   median {health[len(health) // 2]:6.1f} ms   "
        f"max {health[-1]:7.1f} ms   (goal: < 1000 ms)"
    )
    print(
        f"  uploads      {' '.join(str(s) for s, _ in results)}   "
        f"{min(t for _, t in results):.1f}-{max(t for _, t in results):.1f} s each, {elapsed:.1f} s in all"
    )


KINDS = ["png", "png-alpha", "jpeg-cmyk", "heic", "webp"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", choices=[*KINDS, "all"], default="png")
    parser.add_argument("--uploads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--photo-concurrency", type=int, help="PHOTO_CONCURRENCY for the server (default: its own)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose server runs (default: this one)")
    args = parser.parse_args()
    for kind in KINDS if args.kind == "all" else [args.kind]:
        run(kind, args, args.root.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
