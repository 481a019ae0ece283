"""Webhooks may not reach inside the network: internal targets are refused at creation and again
at every delivery (resolving the name then, and sending to the address that was checked),
unless the operator allows them in WEBHOOK_ALLOWED_HOSTS.

Name resolution is faked where a test needs a name to resolve somewhere (this machine has no
DNS); the deliveries are real HTTP to a real receiver on the loopback.
"""

from __future__ import annotations

import ipaddress

import msgspec
import pytest

from backend.platform import clock
from backend.platform.ids import new_id
from backend.reminders import config, delivery, targets
from backend.reminders.tables import WebhookDelivery, WebhookSubscription
from tests.reminders.helpers import SECRET, WEEKDAY_MORNING, Receiver
from tests.reminders.test_webhooks import HOOKS, deliveries, emit, hook, subscribe

INTERNAL_URLS = [
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://100.100.100.200/latest/meta-data/",  # Alibaba Cloud metadata (shared address space)
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[fd00:ec2::254]/latest/meta-data/",  # AWS metadata over IPv6 (unique local)
    "http://10.0.0.5/hook",
    "http://172.16.8.1:8080/hook",
    "http://192.168.1.10/hook",
    "http://localhost:5432/",
    "http://LOCALHOST./",
    "http://db.localhost/",
    "http://[::1]:22/",
    "http://127.0.0.1:8000/api/v1/users",
    "http://2130706433/",  # 127.0.0.1 as one number
    "http://0x7f.1/",  # 127.0.0.1 in hex, short form
    "http://0177.0.0.1/",  # octal
    "http://127.1/",
    "http://0.0.0.0:8000/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
    "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
    "http://[fe80::1]/",
    "http://224.0.0.251/",  # multicast
    "http://198.18.0.1/",  # benchmarking range, not routed
]


@pytest.fixture
def fake_dns(monkeypatch):
    """Names resolve to whatever the test says (this machine has no DNS)."""
    answers: dict[str, list[str]] = {}

    async def resolve(host: str, port: int):
        if host not in answers:
            raise OSError(f"{host} does not resolve")
        return [ipaddress.ip_address(a) for a in answers[host]]

    monkeypatch.setattr(targets, "resolve", resolve)
    return answers


@pytest.mark.parametrize("url", INTERNAL_URLS)
async def test_internal_targets_are_refused_at_creation(factory, url):
    admin = await factory.user("admin")
    r = await admin.post(HOOKS, json=hook(url))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "webhook_target_forbidden"
    assert r.json()["errors"][0]["field"] == "url"
    assert await WebhookSubscription.count() == 0


async def test_a_name_resolving_to_any_internal_address_is_refused_at_creation(factory, fake_dns):
    admin = await factory.user("admin")
    fake_dns["intranet.example.cn"] = ["10.20.30.40"]
    fake_dns["mixed.example.cn"] = ["93.184.216.34", "192.168.0.9"]
    fake_dns["public.example.cn"] = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]
    for name in ("intranet", "mixed"):
        r = await admin.post(HOOKS, json=hook(f"https://{name}.example.cn/robot/send"))
        assert r.status_code == 422 and r.json()["code"] == "webhook_target_forbidden"
    assert await WebhookSubscription.count() == 0
    await subscribe(admin, "https://public.example.cn/robot/send")
    # A name that does not resolve yet is accepted: every delivery checks it again.
    await subscribe(admin, "https://not-yet-in-dns.example.cn/hook")
    await subscribe(admin, "https://8.8.8.8/hook")


async def test_the_operator_allows_intranet_receivers_by_name_address_or_range(factory, fake_dns, monkeypatch):
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", "robot.corp.example, 127.0.0.1, 192.168.0.0/16")
    fake_dns["robot.corp.example"] = ["10.9.8.7"]
    admin = await factory.user("admin")
    for url in ("http://robot.corp.example/send", "http://127.0.0.1:9000/hook", "http://192.168.40.2/hook"):
        await subscribe(admin, url)
    # Only what is listed: other private addresses and loopback names stay refused.
    for url in ("http://10.9.8.7/send", "http://localhost:9000/hook", "http://172.16.0.1/", "http://169.254.169.254/"):
        r = await admin.post(HOOKS, json=hook(url))
        assert r.status_code == 422 and r.json()["code"] == "webhook_target_forbidden", url
    assert await WebhookSubscription.count() == 3


async def insert_subscription(url: str) -> str:
    """A subscription stored without the creation check (made before the rule, or by hand)."""
    hook_id = new_id()
    await WebhookSubscription.insert(
        WebhookSubscription(
            id=hook_id,
            url=url,
            events=msgspec.json.encode(["card.revoked"]).decode(),
            secret=SECRET,
            format="json",
            active=True,
            created_at=clock.now(),
        )
    )
    return str(hook_id)


async def test_an_internal_target_is_refused_again_at_delivery(factory):
    clock.set_now(WEEKDAY_MORNING)
    admin = await factory.user("admin")
    with Receiver() as receiver:
        hook_id = await insert_subscription(receiver.url + "/hook")
        await emit()
        result = await delivery.deliver_due()
    assert result.retrying == 1 and receiver.requests == []
    [row] = await deliveries(admin, hook_id)
    assert row["status"] == "pending" and row["last_status_class"] is None
    assert row["last_error"].startswith("address not allowed")


async def test_a_name_rebound_to_the_loopback_after_creation_is_not_delivered(factory, fake_dns):
    clock.set_now(WEEKDAY_MORNING)
    admin = await factory.user("admin")
    with Receiver() as receiver:
        port = receiver.url.rsplit(":", 1)[1]
        fake_dns["rebind.example.cn"] = ["93.184.216.34"]  # public when the admin subscribes
        hook_id = await subscribe(admin, f"http://rebind.example.cn:{port}/hook")
        fake_dns["rebind.example.cn"] = ["127.0.0.1"]  # then the attacker's DNS answers the loopback
        await emit()
        assert (await delivery.deliver_due()).retrying == 1
        fake_dns["rebind.example.cn"] = ["93.184.216.34", "127.0.0.1"]  # or both: every address must pass
        clock.set_now(clock.now() + delivery.backoff(1, config.load()))
        assert (await delivery.deliver_due()).retrying == 1
    assert receiver.requests == []
    [row] = await deliveries(admin, hook_id)
    assert row["attempts"] == 2 and row["last_error"].startswith("address not allowed")


async def test_a_delivery_goes_to_the_address_that_was_checked_and_still_names_the_host(factory, fake_dns, monkeypatch):
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    clock.set_now(WEEKDAY_MORNING)
    admin = await factory.user("admin")
    with Receiver() as receiver:
        port = receiver.url.rsplit(":", 1)[1]
        fake_dns["robot.corp.example"] = ["127.0.0.1"]
        hook_id = await subscribe(admin, f"http://robot.corp.example:{port}/send?key=abc")
        await emit()
        assert (await delivery.deliver_due()).delivered == 1
    [request] = receiver.requests
    assert request["path"] == "/send?key=abc"
    assert request["headers"]["Host"] == f"robot.corp.example:{port}"
    [row] = await deliveries(admin, hook_id)
    assert row["status"] == "delivered" and row["last_status_class"] == "2xx"
    assert await WebhookDelivery.count().where(WebhookDelivery.status == "delivered") == 1


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("100.64.0.1", False),
        ("169.254.0.1", False),
        ("::1", False),
        ("fc00::1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::1", False),
        ("255.255.255.255", False),
        ("0.0.0.0", False),
    ],
)
def test_which_addresses_are_public(host, public):
    assert targets.is_public(ipaddress.ip_address(host)) is public


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("example.cn", None),
        ("robot-1.corp", None),
    ],
)
def test_literal_addresses_are_read_as_the_resolver_reads_them(host, address):
    found = targets.literal_address(host)
    assert (str(found) if found else None) == address
