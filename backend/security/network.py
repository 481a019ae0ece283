"""Where a request comes from: the client address behind trusted proxies, and the key a login
from that address is counted against.

`X-Forwarded-For` is believed only from the peers listed in `TRUSTED_PROXIES` (none by default).
Trusting it from anyone (or from every local process, as uvicorn's default does) lets a client
name any address it likes and so escape the per-address login limit.
"""

from __future__ import annotations

import ipaddress

from litestar.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from backend.platform.settings import settings

# Read once at start; a test may replace it.
trusted_proxies: str = settings.trusted_proxies


def parse_trusted(value: str) -> list[str]:
    """The TRUSTED_PROXIES entries (addresses or CIDR ranges); ValueError on anything else."""
    entries = [item.strip() for item in value.split(",") if item.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {entry!r} is not an address or CIDR range") from None
    return entries


def trusted_proxy_middleware(app: ASGIApp) -> ASGIApp:
    """Sets the request's client (and scheme) from X-Forwarded-For/-Proto when the peer is trusted.

    Uvicorn's own proxy-header handling is switched off in `serve`; this layer does it inside the
    app, whatever server runs it, from the rightmost address that is not a trusted proxy.
    """
    built: dict[str, ASGIApp] = {}

    def layer() -> ASGIApp:
        # Built once per setting value (a test may change it); no layer at all when nothing is trusted.
        if trusted_proxies not in built:
            entries = parse_trusted(trusted_proxies)
            built.clear()
            built[trusted_proxies] = ProxyHeadersMiddleware(app, trusted_hosts=entries) if entries else app  # type: ignore[arg-type]
        return built[trusted_proxies]

    layer()  # fail at start on a bad TRUSTED_PROXIES, not on the first request

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        await layer()(scope, receive, send)

    return middleware


def client_key(host: str | None) -> str:
    """The address a login is counted against: an IPv4 address, or an IPv6 address's /64 (one
    subscriber's allocation, through which a client can rotate freely)."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
