"""The H5 app at `/app/`, served by the same process, and `/` sending people there.

The app is plain HTML, CSS and ES modules in `app/` (no build step); it talks to the server
only through the public JSON API. Caching: the app's own files are revalidated on every load
(`no-cache`), so a deployment reaches phones at once; the vendored libraries live in folders
named by their version and are cached for a year. The service worker (`sw.js`) is served with
the list of shell files and a version computed here from their contents, so it re-caches the
shell exactly when a file changed, and the app opens offline.
"""

from __future__ import annotations

import functools
import hashlib
import json
import mimetypes
from pathlib import Path

from litestar import Response, get, route
from litestar.datastructures import CacheControlHeader
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from backend.platform import glossary
from backend.platform.guards import PUBLIC

APP_DIR = Path(__file__).parent / "app"
PREFIX = "/app"
# Python's table lacks some of these on minimal systems; ES modules need a JavaScript type.
for _ext, _type in ((".js", "text/javascript"), (".mjs", "text/javascript"), (".webmanifest", "application/manifest+json")):
    mimetypes.add_type(_type, _ext)

NO_CACHE = CacheControlHeader(no_cache=True)
IMMUTABLE = CacheControlHeader(public=True, max_age=365 * 24 * 3600, immutable=True)
HIDDEN = {"include_in_schema": False, "opt": PUBLIC}


def glossary_module() -> bytes:
    """`/app/glossary.js`: the backend's Chinese labels as an ES module."""
    body = json.dumps(glossary.for_app(), ensure_ascii=False, indent=1)
    return f"// Generated from backend/platform/glossary.py.\nexport default Object.freeze({body});\n".encode()


def shell_files() -> list[str]:
    """Every file the app needs offline, as URLs (the service worker caches them on install)."""
    files = sorted(
        p.relative_to(APP_DIR).as_posix() for p in APP_DIR.rglob("*")
        if p.is_file() and p.name != "sw.js" and not p.name.startswith(".") and p.suffix not in (".md", ".txt")
        and "LICENSE" not in p.name
    )
    return [f"{PREFIX}/", f"{PREFIX}/glossary.js", *(f"{PREFIX}/{f}" for f in files if f != "index.html")]


@functools.cache
def service_worker() -> bytes:
    """sw.js with the shell list and a version that changes whenever a shell file does."""
    digest = hashlib.sha256(glossary_module())
    for url in shell_files():
        name = url.removeprefix(PREFIX + "/") or "index.html"
        if name != "glossary.js":
            digest.update(name.encode() + b"\0" + (APP_DIR / name).read_bytes())
    source = (APP_DIR / "sw.js").read_text(encoding="utf-8")
    source = source.replace('"__SHELL_VERSION__"', json.dumps(digest.hexdigest()[:16]))
    source = source.replace("/*__SHELL_FILES__*/[]", json.dumps(shell_files()))
    return source.encode()


@route("/", http_method=["GET", "HEAD"], **HIDDEN)
async def root() -> Redirect:
    return Redirect(f"{PREFIX}/", status_code=302)


@get(f"{PREFIX}/sw.js", cache_control=NO_CACHE, **HIDDEN)
async def sw() -> Response[bytes]:
    # Service-Worker-Allowed is not needed: the worker sits at the root of the scope it controls.
    return Response(service_worker(), media_type="text/javascript")


@get(f"{PREFIX}/glossary.js", cache_control=NO_CACHE, **HIDDEN)
async def glossary_js() -> Response[bytes]:
    return Response(glossary_module(), media_type="text/javascript")


ROUTERS = [
    root,
    sw,
    glossary_js,
    create_static_files_router(f"{PREFIX}/vendor", [APP_DIR / "vendor"], name="app-vendor",
                               cache_control=IMMUTABLE, opt=PUBLIC),
    create_static_files_router(PREFIX, [APP_DIR], html_mode=True, name="app", cache_control=NO_CACHE, opt=PUBLIC),
]
