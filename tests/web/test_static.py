"""The H5 app is served by the same process: `/` sends people to `/app/`, the files come with
sensible caching, the service worker knows the whole shell, and none of it needs a login or
appears in the OpenAPI document."""

from __future__ import annotations

import json
import re

from backend.web import routes


async def test_root_redirects_to_the_app(client):
    reply = await client.get("/", follow_redirects=False)
    assert reply.status_code in (302, 307) and reply.headers["location"] == "/app/"


async def test_the_app_page_needs_no_login_and_is_revalidated(client):
    reply = await client.get("/app/")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/html")
    assert reply.headers["cache-control"] == "no-cache"
    html = reply.text
    assert '<html lang="zh-CN">' in html and 'type="module" src="/app/js/main.js"' in html
    assert 'rel="manifest" href="/app/manifest.webmanifest"' in html


async def test_no_inline_script_or_handler_and_nothing_from_other_origins(client):
    """What the CSP will demand: every script a file of ours, no on*= handlers, no style attributes."""
    for path in routes.APP_DIR.rglob("*"):
        if path.suffix not in (".html", ".js", ".css", ".webmanifest") or "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), f"{path}: an absolute URL"
        if path.suffix == ".html":
            assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"{path}: inline script"
            assert not re.search(r"\son[a-z]+\s*=", text), f"{path}: inline handler"
            assert " style=" not in text, f"{path}: inline style"
        if path.suffix == ".js":
            assert "innerHTML" not in text and "eval(" not in text and "new Function" not in text, path
            assert 'setAttribute("style"' not in text, path


async def test_vendored_libraries_are_cached_for_a_year_the_rest_revalidated(client):
    vendor = await client.get("/app/vendor/jsqr-1.4.0/jsQR.js")
    assert vendor.status_code == 200 and "immutable" in vendor.headers["cache-control"]
    assert "max-age=31536000" in vendor.headers["cache-control"]
    assert vendor.headers["content-type"].startswith("text/javascript")
    module = await client.get("/app/vendor/qrcode-generator-2.0.4/qrcode.mjs")
    assert module.status_code == 200 and module.headers["content-type"].startswith("text/javascript")
    own = await client.get("/app/js/main.js")
    assert own.headers["cache-control"] == "no-cache" and own.headers["content-type"].startswith("text/javascript")
    manifest = await client.get("/app/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert json.loads(manifest.text)["start_url"] == "/app/"


async def test_the_service_worker_caches_every_shell_file_under_a_content_version(client):
    reply = await client.get("/app/sw.js")
    assert reply.status_code == 200 and reply.headers["cache-control"] == "no-cache"
    assert reply.headers["content-type"].startswith("text/javascript")
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', reply.text)
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", reply.text).group(1))
    assert version and "__SHELL" not in reply.text
    assert {
        "/app/",
        "/app/glossary.js",
        "/app/js/main.js",
        "/app/css/app.css",
        "/app/manifest.webmanifest",
        "/app/vendor/jsqr-1.4.0/jsQR.js",
        "/app/js/decode-worker.js",
        "/app/icons/icon-192.png",
    } <= set(shell)
    for url in shell:
        assert (await client.get(url)).status_code == 200, url
    # Every module the app imports is in the shell, so the app opens offline.
    for path in (routes.APP_DIR / "js").rglob("*.js"):
        for target in re.findall(r'from "([^"]+)"', path.read_text(encoding="utf-8")):
            url = (
                target
                if target.startswith("/")
                else "/app/" + (path.parent / target).resolve().relative_to(routes.APP_DIR).as_posix()
            )
            assert url in shell, (path.name, target)


def test_the_version_follows_the_content(tmp_path, monkeypatch):
    app = tmp_path / "app"
    (app / "js").mkdir(parents=True)
    (app / "sw.js").write_text('const VERSION = "__SHELL_VERSION__"; const SHELL = /*__SHELL_FILES__*/[];')
    (app / "index.html").write_text("<!doctype html>")
    (app / "js" / "main.js").write_text("one")
    monkeypatch.setattr(routes, "APP_DIR", app)
    routes.service_worker.cache_clear()
    first = routes.service_worker()
    routes.service_worker.cache_clear()
    (app / "js" / "main.js").write_text("two")
    second = routes.service_worker()
    routes.service_worker.cache_clear()
    assert first != second and b'"/app/js/main.js"' in second


async def test_glossary_module_is_the_backends_labels(client):
    reply = await client.get("/app/glossary.js")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/javascript")
    body = json.loads(re.search(r"Object\.freeze\((\{.*\})\);", reply.text, re.S).group(1))
    assert body["services"]["medical"] == "就医就诊" and body["verification_reasons"]["replayed"] == "二维码已使用"
    assert list(body["services"]) == ["education", "medical", "tourism", "transport", "legal", "government"]


async def test_no_file_outside_the_app_folder_is_served(client):
    for url in (
        "/app/%2e%2e/routes.py",
        "/app/..%2froutes.py",
        "/app/%2e%2e/__init__.py",
        "/app/nope.js",
        "/app/vendor/%2e%2e/%2e%2e/routes.py",
    ):
        reply = await client.get(url)
        assert reply.status_code == 404 and "create_static_files_router" not in reply.text, url


async def test_the_app_is_not_in_the_openapi_document(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert not [p for p in paths if p == "/" or p.startswith("/app")]
    assert "/api/v1/auth/logout" in paths and "/api/v1/redemptions" in paths
