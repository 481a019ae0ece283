"""Security headers on every response, set in one place.

A `before_send` hook rather than a middleware: it sees every response the app sends, including
404s for unknown paths and error pages that never reach a route's middleware stack.

- Every response: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` (and
  `frame-ancestors 'none'` in its CSP), `Referrer-Policy: no-referrer`; `Strict-Transport-Security`
  when `PUBLIC_BASE_URL` is https.
- HTML and JavaScript (documents and workers, the only responses a browser applies a CSP to):
  the app policy — everything from this origin only, images also as `data:`/`blob:` (QR codes
  drawn in a canvas), camera streams as `blob:`/`mediastream:`, no inline scripts or styles, no
  plugins, no `<base>`. The API docs page under `/schema` runs under the same policy (its
  Swagger UI is served from here, see backend/apidocs).
- Everything else (JSON, images, downloads): `default-src 'none'`, so a response opened as a
  document can run nothing.
"""

from __future__ import annotations

import functools

from litestar.types import Message, Scope

from backend.platform.settings import settings

_APP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob: mediastream:",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


APP_POLICY = _policy(_APP)
OTHER_POLICY = _policy({"default-src": "'none'", "frame-ancestors": "'none'"})
HSTS = "max-age=31536000"
PERMISSIONS = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()"


def _encode(*pairs: tuple[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]


def headers_for(content_type: str, *, https: bool) -> list[tuple[bytes, bytes]]:
    """The security headers a response of this content type gets."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return list(_headers(kind == "text/html" or kind.endswith("javascript"), https))


@functools.cache
def _headers(active: bool, https: bool) -> tuple[tuple[bytes, bytes], ...]:
    policy = APP_POLICY if active else OTHER_POLICY
    pairs = [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("content-security-policy", policy),
    ]
    if active:
        pairs.append(("permissions-policy", PERMISSIONS))
    if https:
        pairs.append(("strict-transport-security", HSTS))
    return tuple(_encode(*pairs))


_HTTPS = settings.public_base_url.startswith("https://")
_OWN = {
    b"x-content-type-options",
    b"x-frame-options",
    b"referrer-policy",
    b"content-security-policy",
    b"permissions-policy",
    b"strict-transport-security",
}


async def add_security_headers(message: Message, scope: Scope) -> None:
    """before_send hook: add the headers to each response's start message (replacing any set earlier)."""
    if message["type"] != "http.response.start":
        return
    existing = list(message.get("headers") or [])
    content_type = next((v.decode("latin-1") for k, v in existing if k.lower() == b"content-type"), "")
    kept = [(k, v) for k, v in existing if k.lower() not in _OWN]
    message["headers"] = kept + headers_for(content_type, https=_HTTPS)
