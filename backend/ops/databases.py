"""A consistent copy of the database, and putting one back: SQLite through its online backup API,
PostgreSQL through `pg_dump` / `pg_restore` (custom format).

Each copy comes with the row count of every table and the applied migrations, read from the
same snapshot as the copy: SQLite's from the copy itself, PostgreSQL's in a REPEATABLE READ
transaction whose snapshot `pg_dump --snapshot` then dumps.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from backend.platform import db
from backend.platform.settings import settings

MIGRATION_TABLE = "migration"  # Piccolo's record of applied migrations


class BackupError(RuntimeError):
    """Backup or restore cannot go on; the message says why and what to do."""


@dataclass
class Snapshot:
    """What a database copy holds."""

    counts: dict[str, int] = field(default_factory=dict)
    migrations: dict[str, list[str]] = field(default_factory=dict)  # app -> applied migration ids, sorted


def kind() -> str:
    return "sqlite" if db.is_sqlite() else "postgresql"


def sqlite_path() -> Path:
    return Path(db.engine().path).resolve()  # type: ignore[attr-defined]


def _migrations(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for app, name in rows:
        out.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(out.items())}


# -- SQLite ----------------------------------------------------------------------------------------


def _sqlite_snapshot(connection: sqlite3.Connection) -> Snapshot:
    tables = [
        r[0]
        for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    rows = (
        connection.execute(f"SELECT app_name, name FROM {MIGRATION_TABLE}").fetchall()
        if MIGRATION_TABLE in tables
        else []
    )
    return Snapshot(counts=counts, migrations=_migrations(rows))


def sqlite_copy(target: Path) -> Snapshot:
    """Copy the live database into `target` with SQLite's online backup API (one step, so the copy
    is one consistent state while the server keeps reading and writing), as a single file."""
    source_path = sqlite_path()
    if not source_path.exists():
        raise BackupError(f"there is no database at {source_path}: nothing to back up")
    source = sqlite3.connect(source_path, timeout=db.BUSY_TIMEOUT_S)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # the copy stands alone: no -wal beside it
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("the copy of the database failed SQLite's integrity check")
        return _sqlite_snapshot(copy)
    finally:
        copy.close()
        source.close()


def sqlite_file_snapshot(path: Path) -> Snapshot:
    connection = sqlite3.connect(path)
    try:
        return _sqlite_snapshot(connection)
    finally:
        connection.close()


async def sqlite_put_back(staged: Path) -> None:
    """Replace the configured database file with `staged` (a copy in the same folder): mode 0600,
    no stale -wal or -shm left to be replayed into it."""
    target = sqlite_path()
    await db.stop()  # this process's connection, if the emptiness check opened one
    os.chmod(staged, 0o600)
    for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    os.replace(staged, target)


# -- PostgreSQL ------------------------------------------------------------------------------------


def _libpq() -> tuple[str, dict[str, str]]:
    """DATABASE_URL for the PostgreSQL tools: the URL without its password, which goes in
    PGPASSWORD instead (a password on the command line is visible to every user of the host)."""
    url = urlparse(settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    env = dict(os.environ)
    netloc = url.netloc
    if url.password is not None:
        env["PGPASSWORD"] = url.password
        user = url.username or ""
        host = netloc.rpartition("@")[2]
        netloc = f"{user}@{host}" if user else host
    return urlunparse(url._replace(netloc=netloc, scheme="postgresql")), env


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools (Debian: postgresql-client) "
            "of the server's major version or newer"
        )
    return found


async def _run(args: list[str], env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        message = err.decode(errors="replace").strip()
        hint = " (pg_dump must be at least the server's major version)" if "version mismatch" in message else ""
        raise BackupError(f"{Path(args[0]).name} failed{hint}: {message}")


async def postgres_copy(target: Path) -> Snapshot:
    """pg_dump (custom format) of the snapshot the counts are read in."""
    import asyncpg

    dump = tool("pg_dump")
    dsn, env = _libpq()
    connection = await asyncpg.connect(settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            snapshot_id = await connection.fetchval("SELECT pg_export_snapshot()")
            tables = [
                r["tablename"]
                for r in await connection.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
                )
            ]
            counts = {t: await connection.fetchval(f'SELECT count(*) FROM "{t}"') for t in tables}
            rows = (
                await connection.fetch(f"SELECT app_name, name FROM {MIGRATION_TABLE}")
                if MIGRATION_TABLE in tables
                else []
            )
            await _run(
                [dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}", f"--dbname={dsn}"], env
            )
    finally:
        await connection.close()
    return Snapshot(counts=counts, migrations=_migrations([(r["app_name"], r["name"]) for r in rows]))


async def postgres_put_back(copy: Path, tables: list[str]) -> None:
    """Drop this application's tables, then pg_restore the dump in one transaction."""
    restore = tool("pg_restore")
    dsn, env = _libpq()
    engine = db.engine()
    for table in [*tables, MIGRATION_TABLE]:
        await engine.run_ddl(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    await _run(
        [
            restore,
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dsn}",
            str(copy),
        ],
        env,
    )


async def live_snapshot() -> Snapshot:
    """Row counts and migrations of the configured database as it is now."""
    engine = db.engine()
    if db.is_sqlite():
        path = sqlite_path()
        return await asyncio.to_thread(sqlite_file_snapshot, path) if path.exists() else Snapshot()
    tables = [
        r["tablename"]
        for r in await engine.run_ddl(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    ]
    counts = {t: (await engine.run_ddl(f'SELECT count(*) AS n FROM "{t}"'))[0]["n"] for t in tables}
    rows = await engine.run_ddl(f"SELECT app_name, name FROM {MIGRATION_TABLE}") if MIGRATION_TABLE in tables else []
    return Snapshot(counts=counts, migrations=_migrations([(r["app_name"], r["name"]) for r in rows]))
