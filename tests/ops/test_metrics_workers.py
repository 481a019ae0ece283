"""With several workers every scrape counts every worker's requests (prometheus-client's
multiprocess mode, set up by `serve --workers N`): whichever worker answers the scrape, the total
is the same."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import ROOT, free_port


def health_requests(text: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "greencard_requests_total" and s.labels.get("path") == "/health"
    )


async def test_two_workers_report_one_total(tmp_path: Path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_999999.db").write_bytes(b"stale from an earlier run")
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(folder), "REMINDER_INTERVAL_SECONDS": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--no-migrate", "--workers", "2", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
                try:
                    if (await client.get("/ready")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)  # waiting for processes to start, not for the app's clock
            assert not (folder / "counter_999999.db").exists()  # serve cleared the old run's files
            before = health_requests((await client.get("/metrics")).text)
            # Separate connections, so the kernel may hand them to either worker.
            for _ in range(40):
                async with httpx.AsyncClient(base_url=base) as one:
                    assert (await one.get("/health")).status_code == 200
            totals = set()
            for _ in range(10):
                async with httpx.AsyncClient(base_url=base) as one:
                    totals.add(health_requests((await one.get("/metrics")).text) - before)
            assert totals == {40}
            assert list(folder.glob("*.db"))  # the workers count in the shared folder
    finally:
        process.terminate()
        process.wait(20)
        log.close()
