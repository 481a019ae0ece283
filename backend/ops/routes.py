"""`/health` (liveness), `/ready` (readiness) and `/metrics` (Prometheus), plus the middleware that
counts requests by route.

`/health` answers from the process alone, never touching the database: a load balancer or an
orchestrator that restarts "unhealthy" processes must not restart every worker because the
database is away. It keeps the old contract's shape, `{"status": "ok", "database": "unchecked"}`:
a client that read `status` still works; the database's state is `/ready`'s to tell.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
from collections.abc import Iterator

from litestar import Request, Response, get
from litestar.openapi import ResponseSpec
from litestar.plugins.prometheus import PrometheusConfig
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from backend.issues import service as issues
from backend.ops import config, multiprocess, probes
from backend.platform import clock, metrics
from backend.platform.errors import Forbidden, Unauthorized
from backend.platform.guards import PUBLIC
from backend.reminders import delivery

# Request counts and latency by route template (`/api/v1/cards/{card_id}`, never the raw path,
# so ids do not make new series); a request that matches no route is not counted.
PROMETHEUS = PrometheusConfig(
    app_name="greencard",
    prefix=metrics.PREFIX,
    group_path=True,
    exclude=["^/metrics$"],
)
FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


@get("/health", opt=PUBLIC, tags=["operations"], summary="Liveness: the process answers (no database check)")
async def health() -> dict[str, str]:
    return {"status": "ok", "database": "unchecked"}


@get(
    "/ready",
    opt=PUBLIC,
    tags=["operations"],
    summary="Readiness: the database answers and its migrations are current (503 otherwise)",
    responses={503: ResponseSpec(probes.Readiness, description="A check failed", generate_examples=False)},
)
async def ready() -> Response[probes.Readiness]:
    result = await probes.readiness()
    return Response(result, status_code=200 if result.status == "ready" else 503)


def _check_scraper(request: Request) -> None:
    """METRICS_TOKEN as a bearer token when set; else only a client on this host's loopback whose
    request no proxy relayed (behind a local reverse proxy every client would look local)."""
    if config.METRICS_TOKEN:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), config.METRICS_TOKEN.encode()):
            raise Unauthorized(
                "Send METRICS_TOKEN as a bearer token.",
                code="metrics_token_required",
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
        return
    host = request.client.host if request.client else ""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if not local or any(name in request.headers for name in FORWARDING_HEADERS):
        raise Forbidden(
            "Metrics are served to this host only; set METRICS_TOKEN to scrape from elsewhere.",
            code="metrics_local_only",
        )


class _Everything(Collector):
    """This process's metrics, or every worker's (multiprocess mode), and the queue depths."""

    def __init__(self, depths: dict[str, int] | None) -> None:
        self.depths = depths

    def collect(self) -> Iterator[Metric]:
        if multiprocess.enabled():
            from prometheus_client.multiprocess import MultiProcessCollector

            workers = CollectorRegistry()
            MultiProcessCollector(workers)
            yield from workers.collect()
        else:
            yield from REGISTRY.collect()
        up = GaugeMetricFamily(
            f"{metrics.PREFIX}_queue_depths_up", "1 when the queue depths below were read at this scrape"
        )
        up.add_metric([], 1 if self.depths is not None else 0)
        yield up
        for name, (help_text, value) in _described(self.depths or {}).items():
            gauge = GaugeMetricFamily(f"{metrics.PREFIX}_{name}", help_text)
            gauge.add_metric([], value)
            yield gauge


def _described(depths: dict[str, int]) -> dict[str, tuple[str, int]]:
    helps = {
        "webhook_outbox_pending": "Webhook deliveries waiting to be sent or retried",
        "issues_unresolved": "Issues open, assigned or in progress",
        "issues_overdue": "Unresolved issues past their deadline",
    }
    return {name: (helps[name], value) for name, value in depths.items()}


async def _depths() -> dict[str, int]:
    digest = await issues.unresolved_digest(district=None, now=clock.now(), limit=0)
    return {
        "webhook_outbox_pending": await delivery.pending_count(),
        "issues_unresolved": digest.unresolved,
        "issues_overdue": digest.overdue,
    }


@get(
    "/metrics",
    opt=PUBLIC,
    tags=["operations"],
    summary="Prometheus metrics (METRICS_TOKEN as a bearer token, or from this host when unset)",
    media_type="text/plain",
)
async def scrape(request: Request) -> Response[bytes]:
    _check_scraper(request)
    try:
        depths: dict[str, int] | None = await asyncio.wait_for(_depths(), timeout=config.PROBE_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - a slow or absent database must not fail the scrape
        depths = None
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Everything(depths))
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(registry), media_type=content_type)


ROUTERS = [health, ready, scrape]
