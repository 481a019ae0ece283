"""Screenshots of every page of the H5 app at 375 x 812 (2x pixels), into docs/screenshots/.

    .venv/bin/python scripts/app_screenshots.py

Loads the demo city into a scratch SQLite database, starts `python -m backend serve` on it, and
walks Debian's Chromium (Playwright, `executable_path`) through the pages as the demo
entrepreneur, the demo hospital window (with a fake camera showing the entrepreneur's QR) and a
leader. Needs chromium and fonts-noto-cjk; run it after changing how a page looks.
"""

from __future__ import annotations

import asyncio
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.web.fakecam import qr_frame, write_y4m  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PASSWORD = "Demo-2026-fz"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--mute-audio",
]


def desk() -> Image.Image:
    """A camera frame with a phone held up, before its QR is in view."""
    frame = Image.new("RGB", (1280, 720), (120, 112, 100))
    d = ImageDraw.Draw(frame)
    d.rounded_rectangle((470, 60, 810, 700), radius=40, fill=(30, 30, 34))
    d.rounded_rectangle((490, 110, 790, 650), radius=12, fill=(235, 238, 240))
    return frame


def save(png: bytes, name: str) -> None:
    # Flat colours: a 256-colour palette keeps the files small without visible loss.
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    image.save(OUT / f"{name}.png", optimize=True)
    print(OUT / f"{name}.png")


async def shoot(base: str, owner_token: str, tmp: Path) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:

        async def page_with(camera: Path | None = None):
            args = ARGS + (
                [
                    "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream",
                    f"--use-file-for-fake-video-capture={camera}",
                ]
                if camera
                else []
            )
            browser = await driver.chromium.launch(executable_path="/usr/bin/chromium", args=args)
            context = await browser.new_context(
                base_url=base,
                viewport={"width": 375, "height": 812},
                device_scale_factor=2,
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                permissions=["camera"] if camera else [],
            )
            return browser, await context.new_page()

        async def login(page, username: str) -> None:
            await page.goto("/app/")
            await page.fill("#username", username)
            await page.fill("#password", PASSWORD)
            await page.click("button[type=submit]")

        browser, page = await page_with()
        await page.goto("/app/")
        await page.wait_for_selector("#username")
        save(await page.screenshot(), "01-login")
        await login(page, "demo_owner_001")
        await page.wait_for_selector(".gcard")
        save(await page.screenshot(), "02-card")
        await page.click("#show-qr")
        await page.wait_for_selector("#qr[data-serial]")
        save(await page.screenshot(), "03-qr")
        await page.goto("/app/#/history")
        await page.wait_for_selector("main .muted")
        save(await page.screenshot(), "04-history")
        await page.goto("/app/#/issues")
        await page.wait_for_selector("#new-issue")
        save(await page.screenshot(), "05-issues")
        waiting = page.locator("#issues li:has(.badge.wait) a").first
        if await waiting.count():
            await waiting.click()
            await page.wait_for_selector("#feedback-form")
            await page.click("#feedback-form button:text('满意')")
        else:
            await page.locator("#issues li a").first.click()
        await page.wait_for_selector("#issue-history")
        save(await page.screenshot(), "06-issue")
        await page.goto("/app/#/issues/new")
        await page.wait_for_selector("#issue-form")
        await page.fill("#issue-title", "用电增容办理慢")
        await page.select_option("#issue-category", "水电气")
        await page.fill("#issue-description", "新厂房用电增容申请已提交一个月，希望加快办理。")
        save(await page.screenshot(), "07-new-issue")
        await browser.close()

        browser, page = await page_with(write_y4m(tmp / "desk.y4m", desk()))
        await login(page, "demo_staff_04")
        await page.wait_for_selector(".point")
        await page.wait_for_function("() => document.querySelector('video').currentTime > 0")
        save(await page.screenshot(), "08-scan")
        await browser.close()

        browser, page = await page_with(write_y4m(tmp / "card.y4m", qr_frame(owner_token)))
        await login(page, "demo_staff_04")
        await page.wait_for_selector("#verdict.valid")
        save(await page.screenshot(), "09-valid")
        await page.click("#next-scan")
        await page.wait_for_selector("#verdict.invalid")
        save(await page.screenshot(), "10-invalid")
        await page.click("#next-scan")
        await page.goto("/app/#/today")
        await page.wait_for_selector("#today-total")
        save(await page.screenshot(), "11-today")
        await page.goto("/app/#/me")
        await page.wait_for_selector("#logout")
        save(await page.screenshot(), "12-me")
        await browser.close()

        browser, page = await page_with()
        await login(page, "demo_leader_gulou1")
        await page.wait_for_selector("#later-text")
        save(await page.screenshot(), "13-leader-home")
        await browser.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        env = {
            **os.environ,
            "DATA_DIR": str(tmp),
            "DATABASE_URL": f"sqlite:///{tmp}/demo.db",
            "PASSWORD_MEMORY_KIB": "1024",
            "PASSWORD_TIME_COST": "1",
            "REMINDER_INTERVAL_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, "-m", "backend", "demo-data", "--scale", "0.1"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve", "--port", str(port), "--no-migrate"], cwd=ROOT, env=env
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(base + "/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            login = httpx.post(base + "/api/v1/auth/login", json={"username": "demo_owner_001", "password": PASSWORD})
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            token = httpx.get(base + "/api/v1/me/card/presentation", headers=headers).json()["token"]
            asyncio.run(shoot(base, token, tmp))
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
