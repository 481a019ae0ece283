"""GET /metrics: Prometheus text with request counts and latency by route, verdicts by reason,
sweeps and webhook deliveries by outcome, and queue depths read at the scrape; guarded by
METRICS_TOKEN, or served only to this host when it is unset."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from backend.ops import config
from backend.platform import clock
from tests.cards.conftest import holder, issue
from tests.issues.helpers import MONDAY_10AM, create
from tests.reminders.helpers import refused_url
from tests.reminders.test_webhooks import emit, fast, subscribe  # noqa: F401 - `fast` is a fixture


async def scrape(client: httpx.AsyncClient, **kw) -> dict[tuple[str, frozenset], float]:
    reply = await client.get("/metrics", **kw)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(reply.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels` (0 when there is none)."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


async def test_requests_and_verdicts_are_counted_by_route_and_reason(client, factory):
    admin = await factory.user("admin")
    owner = await holder(factory)
    card = await issue(admin, owner)
    point = await factory.service_point(service="medical")
    staff = await factory.user("service_staff", service_point_id=point.id)
    token = (await admin.get(f"/api/v1/cards/{card['id']}/credential")).json()["token"]
    before = await scrape(client)
    assert (await staff.post("/api/v1/verifications", json={"token": "not-a-token"})).json()["reason"] == "malformed"
    assert (await staff.post("/api/v1/verifications", json={"token": token})).json()["result"] == "valid"
    await admin.get(f"/api/v1/cards/{card['id']}")
    after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("greencard_verifications_total", result="invalid", reason="malformed") == 1
    assert grew("greencard_verifications_total", result="valid", reason="none") == 1
    route = {"path": "/api/v1/verifications", "method": "POST", "status_code": "200"}
    assert grew("greencard_requests_total", **route) == 2
    assert grew("greencard_request_duration_seconds_count", **route) == 2
    # Routes are counted by their template, never by the ids in the path.
    assert grew("greencard_requests_total", path="/api/v1/cards/{card_id}", method="GET") == 1
    assert not any(card["id"] in dict(labels).get("path", "") for _, labels in after)
    assert value(after, "greencard_requests_total", path="/metrics") == 0  # scrapes are not counted


async def test_sweeps_deliveries_and_queue_depths(client, factory, fast):  # noqa: F811
    admin = await factory.user("admin")
    enterprise = await factory.enterprise()
    department = await factory.department()
    clock.set_now(MONDAY_10AM)
    await create(admin.actor, enterprise.id, disposition="assigned", department_id=department.id)
    await create(admin.actor, enterprise.id)  # open, without a deadline: unresolved, not overdue
    clock.set_now(MONDAY_10AM + dt.timedelta(days=30))
    await subscribe(admin, refused_url())
    await emit("card-9")
    before = await scrape(client)
    assert value(before, "greencard_webhook_outbox_pending") == 1
    assert value(before, "greencard_issues_unresolved") == 2 and value(before, "greencard_issues_overdue") == 1
    assert value(before, "greencard_queue_depths_up") == 1

    run = await admin.post("/api/v1/admin/reminders/run")
    assert run.status_code == 200 and run.json()["webhooks"]["retrying"] == 1, run.text
    after = await scrape(client)
    sent = run.json()["sweep"]["sent"]
    assert (
        value(after, "greencard_reminder_sweeps_total", outcome="ok")
        - value(before, "greencard_reminder_sweeps_total", outcome="ok")
        == 1
    )
    for rule in {item["rule"] for item in sent}:
        grew = value(after, "greencard_reminders_sent_total", rule=rule) - value(
            before, "greencard_reminders_sent_total", rule=rule
        )
        assert grew == sum(1 for item in sent if item["rule"] == rule)
    retried = value(after, "greencard_webhook_deliveries_total", outcome="retrying") - value(
        before, "greencard_webhook_deliveries_total", outcome="retrying"
    )
    assert retried == run.json()["webhooks"]["retrying"]
    # Only card.revoked is subscribed: the outbox still holds the one delivery, waiting to be retried.
    assert value(after, "greencard_webhook_outbox_pending") == 1


async def test_a_scrape_without_the_database_still_answers(client, monkeypatch):
    from backend.ops import routes

    async def unreachable() -> dict[str, int]:
        raise ConnectionRefusedError(111, "Connect call failed")

    monkeypatch.setattr(routes, "_depths", unreachable)
    samples = await scrape(client)
    assert value(samples, "greencard_queue_depths_up") == 0
    assert not any(name == "greencard_issues_overdue" for name, _ in samples)


@pytest.fixture
def remote(app):
    """A client whose requests come from another host."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")


async def test_without_a_token_only_this_host_may_scrape(client, remote):
    assert (await client.get("/metrics")).status_code == 200
    refused = await remote.get("/metrics")
    assert refused.status_code == 403 and refused.json()["code"] == "metrics_local_only"
    # Behind a reverse proxy on this host every client would look local: a relayed request is refused.
    relayed = await client.get("/metrics", headers={"X-Forwarded-For": "198.51.100.7"})
    assert relayed.status_code == 403 and relayed.json()["code"] == "metrics_local_only"


async def test_with_a_token_every_scraper_must_send_it(client, remote, monkeypatch):
    monkeypatch.setattr(config, "METRICS_TOKEN", "s3cret-scrape-token-0123456789")
    for caller, headers in (
        (remote, {}),
        (client, {}),
        (remote, {"Authorization": "Bearer wrong-token"}),
        (remote, {"Authorization": "Basic s3cret-scrape-token-0123456789"}),
    ):
        reply = await caller.get("/metrics", headers=headers)
        assert reply.status_code == 401 and reply.json()["code"] == "metrics_token_required"
        assert reply.headers["www-authenticate"].startswith("Bearer")
    good = {"Authorization": "Bearer s3cret-scrape-token-0123456789"}
    assert (await remote.get("/metrics", headers=good)).status_code == 200
    assert (await client.get("/metrics", headers=good | {"X-Forwarded-For": "198.51.100.7"})).status_code == 200
