"""Settings of the operations package, read once from the environment (all optional)."""

from __future__ import annotations

import os

# Bearer token a scraper must send for GET /metrics. Unset: only this host may scrape (a client on
# the loopback, not relayed by a proxy).
METRICS_TOKEN: str = os.environ.get("METRICS_TOKEN", "").strip()
# How long a scrape or a readiness probe waits for the database before reporting it as failing.
PROBE_TIMEOUT_S: float = float(os.environ.get("PROBE_TIMEOUT_SECONDS") or 2.0)
