"""Browser tests: Debian's Chromium driven by Playwright for Python, against a real server
(`python -m backend serve`) on the test database.

They skip, saying why, when Playwright or Chromium is missing (a laptop with only Python), and
fail instead when REQUIRE_BROWSER=1 (set by .ci/run, which installs both).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
import pytest

from backend.platform import clock

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Root in a container with no network: no sandbox, no GPU, nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--mute-audio",
]
VIEWPORT = {"width": 375, "height": 812}


def _missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not os.path.exists(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium fonts-noto-cjk)"
    return None


def require_browser() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
async def _clean():
    """Overrides the suite's per-test emptying: a browser module sets up its world once, and the
    server process it starts must keep its signing key for the whole module."""
    clock.set_now(None)
    yield


@dataclass
class Server:
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def start_server(**env: str) -> Server:
    port = _free_port()
    environment = {**os.environ, "REMINDER_INTERVAL_SECONDS": "0", "LOG_LEVEL": "WARNING", **env}
    # Its log goes to a file, not a pipe nobody reads (a full pipe would stall the server).
    log = tempfile.NamedTemporaryFile(prefix="greencard-serve-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as probe:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {Path(log.name).read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await probe.get(server.url + "/health", timeout=2)).status_code == 200:
                    return server
            await _pause(0.2)
    server.stop()
    raise RuntimeError("the server did not start within 60 s")


async def _pause(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


async def empty_all_tables() -> None:
    # pytest loaded tests/conftest.py as the top-level module "conftest"; importing it under another
    # name would run it a second time (a second temp dir and DATABASE_URL).
    await sys.modules["conftest"].empty_all_tables()


@pytest.fixture(scope="module")
async def server(client) -> AsyncIterator[Server]:
    """A fresh database (emptied once for the module) and a real server process on it."""
    require_browser()
    await empty_all_tables()
    running = await start_server()
    yield running
    running.stop()


@pytest.fixture(scope="module")
async def http(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
async def playwright_driver() -> AsyncIterator[Any]:
    require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        yield driver


class Browsers:
    """Launches Chromium (optionally with a fake camera) and opens 375 x 812 pages."""

    def __init__(self, driver: Any, base_url: str) -> None:
        self.driver, self.base_url, self.opened = driver, base_url, []

    async def context(self, *, camera: Path | None = None, **options: Any) -> Any:
        args = list(CHROMIUM_ARGS)
        if camera is not None:
            args += [
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={camera}",
            ]
        browser = await self.driver.chromium.launch(executable_path=CHROMIUM, args=args)
        self.opened.append(browser)
        context = await browser.new_context(
            base_url=options.pop("base_url", self.base_url),
            viewport=VIEWPORT,
            device_scale_factor=2,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            permissions=["camera"] if camera else [],
            **options,
        )
        context.set_default_timeout(20_000)
        return context

    async def page(self, **options: Any) -> Any:
        context = await self.context(**options)
        page = await context.new_page()
        watch(page)
        return page

    async def close(self) -> None:
        for browser in self.opened:
            with contextlib.suppress(Exception):
                await browser.close()
        self.opened.clear()


def watch(page: Any) -> None:
    """Collect the page's errors (script errors, failed loads, CSP violations) in `page.problems`."""
    page.problems = []
    page.on("pageerror", lambda err: page.problems.append(f"pageerror: {err}"))
    page.on("console", lambda msg: page.problems.append(f"console: {msg.text}") if msg.type == "error" else None)


@pytest.fixture
async def browsers(playwright_driver: Any, server: Server) -> AsyncIterator[Browsers]:
    launched = Browsers(playwright_driver, server.url)
    yield launched
    await launched.close()


async def log_in(page: Any, username: str, password: str = "correct-horse-1") -> None:
    await page.goto("/app/")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
