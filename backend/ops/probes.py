"""What `/ready` checks: the database answers, and every migration this code ships has been applied.

Each check is a name and a `Check`; readiness fails when any check `failed`. A check may also
report a `warning` (the instance still serves): later checks add themselves to `CHECKS`.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable

import msgspec
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.tables import Migration

from backend.ops import config
from backend.platform import db


class Check(msgspec.Struct, omit_defaults=True):
    """One readiness check: `ok`, `warning` (still ready) or `failed` (not ready)."""

    status: str
    detail: str | None = None
    latency_ms: float | None = None
    pending: list[str] | None = None  # migrations: "<app>/<migration id>" not yet applied


class Readiness(msgspec.Struct):
    """`status` is `ready` unless a check `failed`; `checks` maps a check's name to its result."""

    status: str
    checks: dict[str, Check]


@functools.cache
def shipped_migrations() -> frozenset[tuple[str, str]]:
    """(app, migration id) of every migration file in `migrations/` (read once)."""
    manager = BaseMigrationManager()
    out: set[tuple[str, str]] = set()
    for module in manager.get_app_modules():
        app = module.APP_CONFIG
        modules = manager.get_migration_modules(app.resolved_migrations_folder_path)
        out.update((app.app_name, migration_id) for migration_id in manager.get_migration_ids(modules))
    return frozenset(out)


async def applied_migrations() -> set[tuple[str, str]]:
    """(app, migration id) recorded in the database's migration table (raises if there is none)."""
    rows = await Migration.select(Migration.app_name, Migration.name)
    return {(r["app_name"], r["name"]) for r in rows}


async def database() -> Check:
    started = time.perf_counter()
    if await db.ping():
        return Check("ok", latency_ms=round((time.perf_counter() - started) * 1000, 1))
    return Check("failed", detail="the database cannot be reached")


async def migrations() -> Check:
    try:
        applied = await applied_migrations()
    except Exception as exc:  # noqa: BLE001 - no migration table yet, or the query failed
        return Check("failed", detail=f"the migration table cannot be read ({type(exc).__name__}); run migrate")
    pending = sorted(f"{app}/{mid}" for app, mid in shipped_migrations() - applied)
    if pending:
        return Check("failed", detail=f"{len(pending)} migrations not applied; run migrate", pending=pending)
    return Check("ok")


# Run in order; a check that needs the database is skipped (failed) when the database is not there.
CHECKS: list[tuple[str, Callable[[], Awaitable[Check]], bool]] = [
    ("database", database, False),
    ("migrations", migrations, True),
]


async def _timed(check: Callable[[], Awaitable[Check]]) -> Check:
    try:
        return await asyncio.wait_for(check(), timeout=config.PROBE_TIMEOUT_S)
    except TimeoutError:
        return Check("failed", detail=f"no answer within {config.PROBE_TIMEOUT_S:g} s")


async def readiness() -> Readiness:
    """Every check's result; `ready` when none failed."""
    checks: dict[str, Check] = {}
    for name, check, needs_database in CHECKS:
        if needs_database and checks.get("database", Check("ok")).status == "failed":
            checks[name] = Check("failed", detail="not checked: the database cannot be reached")
            continue
        checks[name] = await _timed(check)
    failed = any(c.status == "failed" for c in checks.values())
    return Readiness(status="not_ready" if failed else "ready", checks=checks)
