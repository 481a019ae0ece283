"""Login throttling under concurrency: claims before hashing, a bounded number of hashes at once,
the per-address limit slowing only failing attempts, and X-Forwarded-For only from trusted proxies.

Every storm here is fired at once (asyncio.gather through the app), so the attempts really
overlap: the claims, the hashing and the recording of outcomes interleave as they do in a server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
import time
from collections import Counter

import pytest

from backend.platform import clock, passwords
from backend.platform.settings import settings
from backend.security import network, service
from backend.security.purge import purge_login_failures
from backend.security.tables import LoginFailure, LoginThrottleKey

LOGIN = "/api/v1/auth/login"
PASSWORD = "correct-horse-1"  # the factory's password


async def login(client, username, password, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return await client.post(LOGIN, json={"username": username, "password": password}, headers=headers)


async def storm(client, attempts):
    """Fire every (username, password[, forwarded_for]) attempt at once; the responses in order."""
    return await asyncio.gather(*(login(client, *attempt) for attempt in attempts))


def statuses(responses) -> Counter:
    return Counter(r.status_code for r in responses)


@pytest.fixture
def slow_hashing(monkeypatch):
    """Make each password check take a while and record how many ran at once."""
    seen = {"active": 0, "peak": 0}
    lock = threading.Lock()
    real = passwords._verify

    def slow_verify(password_hash, password):
        with lock:
            seen["active"] += 1
            seen["peak"] = max(seen["peak"], seen["active"])
        try:
            time.sleep(seen.get("delay", 0.02))  # a slow hash, so that checks overlap
            return real(password_hash, password)
        finally:
            with lock:
                seen["active"] -= 1

    monkeypatch.setattr(passwords, "_verify", slow_verify)
    return seen


async def test_simultaneous_wrong_passwords_for_one_account_get_at_most_the_limit_of_401s(client, factory):
    await factory.user("admin", username="target")
    responses = await storm(client, [("target", f"wrong-{i}") for i in range(30)])
    assert statuses(responses) == {401: 5, 429: 25}
    locked = [r for r in responses if r.status_code == 429]
    assert all(r.json()["scope"] == "account" and int(r.headers["retry-after"]) > 0 for r in locked)
    # The account is locked: even the right password is refused now, and the answer says until when.
    r = await login(client, "target", PASSWORD)
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    until = dt.datetime.fromisoformat(r.json()["locked_until"])
    assert clock.now() + dt.timedelta(minutes=14) < until <= clock.now() + dt.timedelta(minutes=15, seconds=1)
    assert int(r.headers["retry-after"]) == pytest.approx((until - clock.now()).total_seconds(), abs=2)
    # Another account from the same address is not locked by this one's failures.
    await factory.user("admin", username="colleague")
    assert (await login(client, "colleague", PASSWORD)).status_code == 200
    # When the lock ends, the right password works.
    clock.set_now(until + dt.timedelta(seconds=1))
    assert (await login(client, "target", PASSWORD)).status_code == 200


async def test_simultaneous_failures_from_one_address_get_at_most_the_limit_of_401s(client):
    responses = await storm(client, [(f"guess{i}", "x" * 8) for i in range(100)])
    assert statuses(responses) == {401: 30, 429: 70}
    limited = [r for r in responses if r.status_code == 429]
    assert all(r.json()["scope"] == "address" and "retry-after" in r.headers for r in limited)
    assert (await login(client, "one-more", "x" * 8)).status_code == 429


async def test_a_storm_of_logins_hashes_at_most_one_password_per_core_at_once(client, slow_hashing):
    assert passwords.gate.permits == settings.password_hash_concurrency >= 1
    responses = await storm(client, [(f"user{i}", "wrong-password") for i in range(40)])
    assert set(statuses(responses)) <= {401, 429}
    assert slow_hashing["peak"] == passwords.gate.permits


async def test_logins_that_find_no_hashing_slot_in_time_get_503_and_count_for_nothing(
    client, slow_hashing, monkeypatch
):
    slow_hashing["delay"] = 1.0
    monkeypatch.setattr(service, "settings", dataclasses.replace(settings, login_queue_seconds=0.05))
    permits = passwords.gate.permits
    responses = await storm(client, [(f"user{i}", "wrong-password") for i in range(permits + 4)])
    assert statuses(responses) == {401: permits, 503: 4}
    for r in responses:
        if r.status_code == 503:
            assert r.json()["code"] == "login_busy" and int(r.headers["retry-after"]) >= 1
    # Only the attempts that were checked count as failures (one row for the account, one for the address).
    assert await LoginFailure.count() == 2 * permits


async def test_a_full_queue_turns_callers_away_without_waiting():
    gate = passwords.HashingGate(permits=1, max_waiting=1)
    holding, release = asyncio.Event(), asyncio.Event()

    async def hold():
        async with gate.slot(wait=None):
            holding.set()
            await release.wait()

    async def queue():
        async with gate.slot(wait=10):
            return "served"

    holder = asyncio.create_task(hold())
    await holding.wait()
    waiter = asyncio.create_task(queue())
    await asyncio.sleep(0)  # let the waiter join the queue
    assert gate.saturated()
    with pytest.raises(passwords.HashingBusy):
        async with gate.slot(wait=10):
            pass
    with pytest.raises(passwords.HashingBusy):  # wait=0: only a free slot will do
        async with gate.slot(wait=0):
            pass
    release.set()
    assert await waiter == "served"
    await holder
    assert not gate.saturated()


async def test_a_right_password_logs_in_from_an_address_over_its_limit(client, factory):
    await factory.user("admin", username="office-worker")
    await factory.user("admin", username="mistyper")
    for i in range(30):  # one address (an office behind NAT) reaches its limit
        assert (await login(client, f"typo{i}", "x" * 8)).status_code == 401
    # An untouched account from that address still logs in with its right password...
    r = await login(client, "office-worker", PASSWORD)
    assert r.status_code == 200, r.text
    # ...while a wrong password from there is refused with 429, saying until when.
    r = await login(client, "mistyper", "wrong-password")
    assert r.status_code == 429 and r.json()["scope"] == "address"
    assert dt.datetime.fromisoformat(r.json()["locked_until"]) > clock.now()
    # That failure still counts toward the account's own lock.
    assert await LoginFailure.count().where(LoginFailure.key == "user:mistyper") == 1
    # Successful logins from that address are never throttled.
    for _ in range(5):
        assert (await login(client, "office-worker", PASSWORD)).status_code == 200


async def test_from_an_address_over_its_limit_an_unchecked_attempt_is_told_to_retry_soon(client, factory):
    await factory.user("admin", username="office-worker")
    for i in range(30):
        assert (await login(client, f"typo{i}", "x" * 8)).status_code == 401
    # Every hashing slot is taken: an attempt from this address is not queued, so not checked.
    holding, release = asyncio.Event(), asyncio.Event()
    held = 0

    async def hold():
        nonlocal held
        async with passwords.gate.slot(wait=None):
            held += 1
            if held == passwords.gate.permits:
                holding.set()
            await release.wait()

    holders = [asyncio.create_task(hold()) for _ in range(passwords.gate.permits)]
    await holding.wait()
    r = await login(client, "office-worker", PASSWORD)
    release.set()
    await asyncio.gather(*holders)
    assert r.status_code == 429 and r.json()["scope"] == "address"
    assert r.headers["retry-after"] == "2" and "try again in a moment" in r.json()["detail"]
    assert await LoginFailure.count().where(LoginFailure.key == "user:office-worker") == 0  # counted for nothing
    # A moment later a slot is free, and the right password logs in.
    assert (await login(client, "office-worker", PASSWORD)).status_code == 200


async def test_an_account_locked_by_failures_stays_locked_from_a_fresh_address(client, factory, monkeypatch):
    monkeypatch.setattr(network, "trusted_proxies", "127.0.0.1")
    await factory.user("admin", username="victim")
    for i in range(5):
        assert (await login(client, "victim", "wrong", f"203.0.113.{i}")).status_code == 401
    r = await login(client, "victim", PASSWORD, "198.51.100.7")
    assert r.status_code == 429 and r.json()["scope"] == "account"


async def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(client):
    assert network.trusted_proxies == ""  # the default
    responses = [await login(client, f"guess{i}", "x" * 8, f"198.51.100.{i}") for i in range(40)]
    assert statuses(responses) == {401: 30, 429: 10}
    assert await LoginFailure.count().where(LoginFailure.key.like("addr:198.51.100.%")) == 0


async def test_forwarded_for_from_a_trusted_proxy_names_the_client(client, monkeypatch):
    monkeypatch.setattr(network, "trusted_proxies", "10.0.0.0/8, 127.0.0.1")
    # Each client behind the proxy has its own limit...
    responses = await storm(client, [(f"guess{i}", "x" * 8, f"198.51.100.{i}") for i in range(40)])
    assert statuses(responses) == {401: 40}
    # ...and what a client writes into the header itself is not believed: the proxies append the
    # address they saw, and the client is the rightmost address that is no trusted proxy.
    chains = [f"192.0.2.{i}, 203.0.113.9, 10.1.2.3" for i in range(40)]
    responses = await storm(client, [(f"spoof{i}", "x" * 8, chain) for i, chain in enumerate(chains)])
    assert statuses(responses) == {401: 30, 429: 10}
    assert await LoginFailure.count().where(LoginFailure.key == "addr:203.0.113.9") >= 30


def test_ipv6_clients_are_counted_per_64_and_mapped_ipv4_as_ipv4():
    assert (
        network.client_key("2001:db8:1:2:aaaa::1") == network.client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    )
    assert network.client_key("2001:db8:1:3::1") != network.client_key("2001:db8:1:2::1")
    assert network.client_key("::ffff:198.51.100.4") == "198.51.100.4"
    assert network.client_key("198.51.100.4") == "198.51.100.4"
    assert network.client_key(None) == "unknown"


@pytest.mark.parametrize("value", ["proxy.internal", "*", "10.0.0.0/33", "127.0.0.1,nonsense"])
def test_trusted_proxies_must_be_addresses_or_ranges(value):
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        network.parse_trusted(value)


async def test_purge_forgets_failures_and_keys_that_left_the_window(client, factory):
    await factory.user("admin", username="someone")
    for i in range(3):
        await login(client, "someone", f"wrong-{i}")
    assert await LoginFailure.count() == 6 and await LoginThrottleKey.count() == 2
    assert await purge_login_failures(before=clock.now() - dt.timedelta(minutes=1)) == 0
    assert await purge_login_failures(before=clock.now() + dt.timedelta(seconds=1)) == 6
    assert await LoginFailure.count() == 0 and await LoginThrottleKey.count() == 0
