"""The database engine chosen by DATABASE_URL, and the transaction a request owns.

SQLite (the embedded default) runs on one long-lived connection per event loop in WAL mode:
Piccolo's stock SQLite engine opens a connection per query, and its DEFERRED write transactions
fail with "database is locked" under concurrency. Here every statement and every transaction
takes the connection in turn (an asyncio lock), write transactions begin IMMEDIATE, and a busy
timeout covers other processes (a CLI command beside the server, or several workers).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import os
import socket
import sqlite3
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable
from urllib.parse import urlparse

import aiosqlite
import asyncpg
from piccolo.columns.combination import Combinable
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import (
    SQLiteEngine,
    SQLiteTransaction,
    TransactionType,
    dict_factory,
)
from piccolo.table import Table

from backend.platform.settings import settings

BUSY_TIMEOUT_S = 30.0


class _LoopConnection:
    __slots__ = ("connection", "lock")

    def __init__(self) -> None:
        self.connection: aiosqlite.Connection | None = None
        self.lock = asyncio.Lock()


class EmbeddedTransaction(SQLiteTransaction):
    """A transaction on the shared connection, holding it until commit or rollback."""

    __slots__ = ("_slot",)

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self._slot = self.engine._slot()
        await self._slot.lock.acquire()
        try:
            self.connection = await self.engine._connection(self._slot)
            await self.begin()
        except BaseException:
            self._slot.lock.release()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self.engine.current_transaction.reset(self.context)
            self._slot.lock.release()
        return exception is None


class EmbeddedSQLiteEngine(SQLiteEngine):
    """SQLite on one WAL-mode connection per event loop; see the module docstring."""

    __slots__ = ("_slots",)

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(path=path, timeout=BUSY_TIMEOUT_S, check_same_thread=False, **kwargs)
        self._slots: dict[asyncio.AbstractEventLoop, _LoopConnection] = {}

    def _slot(self) -> _LoopConnection:
        loop = asyncio.get_running_loop()
        slot = self._slots.get(loop)
        if slot is None:
            slot = self._slots[loop] = _LoopConnection()
        return slot

    async def _connection(self, slot: _LoopConnection) -> aiosqlite.Connection:
        """Open the slot's connection on first use (caller holds the slot's lock)."""
        if slot.connection is None:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            if not os.path.exists(self.path):  # 0600 like the keys beside it; SQLite gives -wal/-shm its mode
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            connection = await aiosqlite.connect(**self.connection_kwargs)
            connection.row_factory = dict_factory  # type: ignore[assignment]
            for pragma in (
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = NORMAL",
                f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}",
                "PRAGMA foreign_keys = ON",
            ):
                await connection.execute(pragma)
            slot.connection = connection
        return slot.connection

    async def get_connection(self) -> aiosqlite.Connection:  # used by Piccolo's batch()
        slot = self._slot()
        async with slot.lock:
            return await self._connection(slot)

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        slot = self._slot()
        async with slot.lock:
            connection = await self._connection(slot)
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()

    async def _run_in_existing_connection(self, connection, query, args=None, query_type="generic", table=None):
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return EmbeddedTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def close(self) -> None:
        """Close this loop's connection (others close with their loops)."""
        slot = self._slots.pop(asyncio.get_running_loop(), None)
        if slot is not None and slot.connection is not None:
            await slot.connection.close()


def make_engine(database_url: str) -> Engine:
    """The engine for DATABASE_URL: `sqlite:///path` or `postgresql://user:pass@host:port/db`."""
    parsed = urlparse(database_url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy reads them.
        path = database_url.split("sqlite:///", 1)[1] if "sqlite:///" in database_url else ""
        if not path:
            raise ValueError(f"DATABASE_URL {database_url!r}: expected sqlite:///path/to.db")
        return EmbeddedSQLiteEngine(path=path)
    if parsed.scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
        dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        return PostgresEngine(config={"dsn": dsn})
    raise ValueError(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (sqlite or postgresql)")


@functools.cache
def engine() -> Engine:
    """The one engine of this process, built from DATABASE_URL on first use (Piccolo's tables find
    it through backend.piccolo_conf.DB, which is this object). A later change of the setting has no effect."""
    return make_engine(settings.database_url)


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


@contextlib.asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """The one write transaction a request (or a job) owns: commit on success, else roll back."""
    async with engine().transaction():
        yield


# Seconds to open a PostgreSQL connection before giving up (asyncpg waits 60 s by default): a
# request while the database is unreachable answers 503 soon instead of hanging.
CONNECT_TIMEOUT_S = 10.0


async def start() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=2, max_size=20, timeout=CONNECT_TIMEOUT_S)


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()
    elif isinstance(db, EmbeddedSQLiteEngine):
        await db.close()


async def ping() -> bool:
    try:
        await engine().run_ddl("SELECT 1")
        return True
    except (OSError, sqlite3.Error, Exception):  # noqa: BLE001 - any failure means unhealthy
        return False


PURGE_BATCH = 1000


async def delete_in_batches(table: type[Table], where: Combinable, *, batch: int = PURGE_BATCH) -> int:
    """Delete the rows matching `where`, `batch` at a time, each batch its own short transaction
    (so a first purge of a large table never holds SQLite's write lock for long); the count deleted."""
    key = table._meta.primary_key
    deleted = 0
    while True:
        ids = [row[key._meta.name] for row in await table.select(key).where(where).limit(batch)]
        if not ids:
            return deleted
        async with transaction():
            deleted += len(await table.delete().where(key.is_in(ids) & where).returning(key))
        if len(ids) < batch:
            return deleted


_NETWORK_DOWN = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}
_SQLITE_UNAVAILABLE = ("unable to open database file", "disk i/o error", "database is locked")


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or what it was raised from) says the database cannot be reached now.

    PostgreSQL: the connection refused, reset, timed out or lost; the server shutting down or
    out of connections; the pool closed. SQLite: the file cannot be opened or read, or another
    writer held it past the busy timeout. Anything else (a bad query, a constraint) is a bug or a
    domain error, not an outage.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (ConnectionError, TimeoutError, socket.gaierror)):
            return True
        if isinstance(exc, OSError) and exc.errno in _NETWORK_DOWN:
            return True
        if isinstance(
            exc,
            (
                asyncpg.PostgresConnectionError,
                asyncpg.exceptions.OperatorInterventionError,
                asyncpg.exceptions.InsufficientResourcesError,
            ),
        ):
            return True
        if isinstance(exc, asyncpg.InterfaceError) and ("closed" in str(exc) or "closing" in str(exc)):
            return True
        if isinstance(exc, sqlite3.OperationalError) and str(exc).lower().startswith(_SQLITE_UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_unique_violation(exc: BaseException) -> bool:
    """True when `exc` is a unique-constraint violation on either engine."""
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc)
    return type(exc).__name__ == "UniqueViolationError"


def run_async(work: Callable[[], Awaitable[Any]]) -> Any:
    """Run `work` with the database open, then close it (the CLI's commands)."""

    async def main() -> Any:
        await start()
        try:
            return await work()
        finally:
            await stop()

    return asyncio.run(main())
