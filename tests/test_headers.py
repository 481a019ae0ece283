"""Security headers on every response, a strict Content-Security-Policy on HTML and scripts, and
an API docs page that works under it (its scripts and styles served from this origin)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import time

import pytest

from backend import headers
from tests.servers import Server

EVERY_RESPONSE = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=31536000",  # the tests' PUBLIC_BASE_URL is https
}


def directives(policy: str) -> dict[str, set[str]]:
    parts = (p.split() for p in policy.split(";") if p.strip())
    return {p[0]: set(p[1:]) for p in parts}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health", 200),
        ("GET", "/schema/openapi.json", 200),
        ("GET", "/no/such/path", 404),
        ("GET", "/api/v1/me", 401),
        ("POST", "/api/v1/auth/login", 400),
        ("PUT", "/health", 405),
    ],
)
async def test_every_response_carries_the_security_headers(client, method, path, status):
    r = await client.request(method, path, content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == status
    for name, value in EVERY_RESPONSE.items():
        assert r.headers.get(name) == value, (name, r.headers)
    # Not a document: nothing may run or load if someone opens it as one.
    assert directives(r.headers["content-security-policy"]) == {
        "default-src": {"'none'"},
        "frame-ancestors": {"'none'"},
    }


async def test_an_image_is_not_a_document_either(factory):
    admin = await factory.user("admin")
    holder = await factory.user("entrepreneur")
    card = await admin.post(
        "/api/v1/cards",
        json={"holder_id": holder.id, "enterprise_id": holder.actor.enterprise_id, "services": ["medical"]},
    )
    assert card.status_code == 201, card.text
    r = await admin.get(f"/api/v1/cards/{card.json()['id']}/qr.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert directives(r.headers["content-security-policy"])["default-src"] == {"'none'"}


async def test_html_gets_a_same_origin_policy_fit_for_the_app(client):
    r = await client.get("/schema")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    policy = directives(r.headers["content-security-policy"])
    assert policy["default-src"] == {"'self'"}
    assert policy["script-src"] == {"'self'"} and policy["style-src"] == {"'self'"}  # nothing inline
    assert policy["img-src"] == {"'self'", "data:", "blob:"}  # QR codes drawn in a canvas
    assert {"blob:", "mediastream:"} <= policy["media-src"]  # the camera
    assert policy["connect-src"] == {"'self'"} and policy["worker-src"] == {"'self'"}
    assert policy["object-src"] == {"'none'"} and policy["base-uri"] == {"'none'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert "camera=(self)" in r.headers["permissions-policy"]
    for name, value in EVERY_RESPONSE.items():
        assert r.headers[name] == value


async def test_the_docs_page_loads_only_its_own_files_and_no_inline_script(client):
    page = (await client.get("/schema")).text
    assert "http://" not in page and "https://" not in page  # no CDN
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None  # every script is a file
    assert re.search(r"\sstyle=", page) is None and "<style" not in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets
    for url in assets:
        assert url.startswith("/schema/assets/")
        r = await client.get(url)
        assert r.status_code == 200, url
        if url.endswith(".js"):  # scripts (and workers) carry the app policy too
            assert directives(r.headers["content-security-policy"])["script-src"] == {"'self'"}


def test_strict_transport_security_only_when_served_over_https():
    names = lambda hs: {name for name, _ in hs}  # noqa: E731
    assert b"strict-transport-security" in names(headers.headers_for("application/json", https=True))
    assert b"strict-transport-security" not in names(headers.headers_for("application/json", https=False))
    assert b"x-content-type-options" in names(headers.headers_for("application/json", https=False))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium")
async def test_the_docs_page_renders_in_a_browser_without_a_policy_violation():
    server = Server(os.environ | {"REMINDER_INTERVAL_SECONDS": "0", "LOG_LEVEL": "WARNING"})
    try:
        await server.ready(time.monotonic() + 60)
        process = await asyncio.create_subprocess_exec(
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=15000",
            "--dump-dom",
            f"{server.url}/schema#/organisations/ApiV1EnterprisesCreate",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        dom, log = await asyncio.wait_for(process.communicate(), timeout=120)
    finally:
        server.stop()
    dom_text, log_text = dom.decode(), log.decode(errors="replace")
    assert "Content Security Policy" not in log_text and "Refused to" not in log_text, log_text[-3000:]
    assert "/api/v1/enterprises" in dom_text and "opblock" in dom_text  # the operations are shown
    assert "Register an enterprise" in dom_text
