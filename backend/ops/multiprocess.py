"""Metrics with several worker processes: prometheus-client's multiprocess mode.

Each worker counts in memory-mapped files in one folder, and a scrape of any worker sums every
worker's files, so Prometheus sees one instance however the load balancer spread the requests.
`serve --workers N` (N > 1) prepares the folder before the workers start (they inherit the
environment variable): PROMETHEUS_MULTIPROC_DIR if set (its old files are removed first, as the
client requires), else a new temporary folder removed when `serve` exits.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def prepare(workers: int) -> Path | None:
    """Set up the shared folder for `workers` processes (nothing for one process)."""
    if workers <= 1:
        return None
    given = os.environ.get(VARIABLE) or os.environ.get(VARIABLE.lower())
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # only the client's own files: counter_<pid>.db, ...
            stale.unlink()
    else:
        folder = Path(tempfile.mkdtemp(prefix="greencard-metrics-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ[VARIABLE] = str(folder)
    return folder


def enabled() -> bool:
    return bool(os.environ.get(VARIABLE) or os.environ.get(VARIABLE.lower()))
