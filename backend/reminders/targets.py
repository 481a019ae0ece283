"""Where webhooks may be delivered: public addresses only, unless the operator allows more.

An admin chooses a webhook's URL, but the server makes the request from inside the network, so
an unchecked URL lets whoever holds an admin account reach the cloud metadata service, the
database port or any intranet host, and read back what answered. A target is refused when its
host is a loopback, private, link-local, shared (carrier-grade NAT, which holds Alibaba Cloud's
metadata address), multicast, reserved or otherwise non-public address, written any way
(`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`), or a name that means the machine itself or a
metadata service. It is checked when the webhook is created and again before every delivery:
the name is resolved, every address it resolves to must pass, and the request goes to the
address that was checked (so a name that resolves elsewhere a moment later — DNS rebinding —
changes nothing). `WEBHOOK_ALLOWED_HOSTS` lists names, addresses or CIDR ranges that may be
targeted although not public (an intranet group-chat robot).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from backend.reminders import config

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

RESOLVE_TIMEOUT_SECONDS = 3.0
# Names that mean this machine or a cloud metadata service, whatever they resolve to here.
_INTERNAL_NAMES = frozenset(
    {
        "localhost",
        "localhost.localdomain",
        "ip6-localhost",
        "ip6-loopback",
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class TargetRefused(Exception):
    """The URL's host may not be a webhook target; `reason` is short enough for the delivery log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AllowList:
    names: frozenset[str]
    networks: tuple[Network, ...]


@functools.lru_cache(maxsize=8)
def parse_allowed(value: str) -> AllowList:
    """WEBHOOK_ALLOWED_HOSTS: comma-separated host names, addresses or CIDR ranges."""
    names: set[str] = set()
    networks: list[Network] = []
    for entry in (item.strip() for item in value.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(_normal_name(entry))
    return AllowList(frozenset(names), tuple(networks))


def allowed() -> AllowList:
    return parse_allowed(config.load().webhook_allowed_hosts)


def _normal_name(host: str) -> str:
    return host.strip().lower().rstrip(".")


def literal_address(host: str) -> Address | None:
    """The address a host names literally, in any spelling the system resolver accepts."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        # inet_aton takes the legacy forms: 2130706433, 0x7f.1, 0177.0.0.1, 127.1.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def is_public(address: Address) -> bool:
    """A globally routable unicast address (also judging the IPv4 address inside an IPv6 one)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address in _NAT64:
            inner = ipaddress.IPv4Address(address.packed[-4:])
        if inner is not None and not is_public(inner):
            return False
    return address.is_global and not address.is_multicast


def _permitted(name: str, address: Address, allow: AllowList) -> bool:
    return name in allow.names or any(address in network for network in allow.networks) or is_public(address)


def _check_name(name: str, allow: AllowList) -> None:
    if name in allow.names:
        return
    if name in _INTERNAL_NAMES or name.endswith(".localhost"):
        raise TargetRefused("internal host name not allowed")


async def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to (the system resolver, with a timeout)."""
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


async def _addresses(url: str, *, must_resolve: bool) -> list[Address]:
    """The checked addresses of the URL's host; TargetRefused when any may not be targeted."""
    allow = allowed()
    host, port = _host_port(url)
    name = _normal_name(host)
    _check_name(name, allow)
    literal = literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = await resolve(host, port)
        except (OSError, TimeoutError, UnicodeError):
            if must_resolve:
                raise TargetRefused("host name did not resolve") from None
            return []
    if not addresses and must_resolve:
        raise TargetRefused("host name did not resolve")
    if not all(_permitted(name, address, allow) for address in addresses):
        raise TargetRefused("address not allowed (private, loopback, link-local or reserved)")
    return addresses


async def check_new(url: str) -> None:
    """At creation: refuse a URL whose host is (or now resolves to) a forbidden address.

    A name that does not resolve yet is accepted; every delivery checks it again.
    """
    await _addresses(url, must_resolve=False)


@dataclass(frozen=True)
class Pinned:
    """A request to the checked address, still naming the host (Host header, TLS name)."""

    url: httpx.URL
    headers: dict[str, str]
    extensions: dict[str, Any]


async def pin(url: str) -> Pinned:
    """Before a delivery: resolve, check every address, and aim the request at the first one."""
    addresses = await _addresses(url, must_resolve=True)
    parsed = httpx.URL(url)
    target = parsed.copy_with(host=str(addresses[0]))
    extensions: dict[str, Any] = {}
    if parsed.scheme == "https":
        extensions["sni_hostname"] = parsed.raw_host.decode("ascii")  # the certificate is checked against the name
    return Pinned(url=target, headers={"Host": parsed.netloc.decode("ascii")}, extensions=extensions)
