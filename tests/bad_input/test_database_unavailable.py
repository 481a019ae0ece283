"""While the database cannot be reached, requests answer 503 `database_unavailable` with Retry-After."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import tempfile
from typing import AsyncIterator

import asyncpg
import pytest

from backend.orgs.tables import Enterprise
from backend.platform import db
from backend.platform.db import EmbeddedSQLiteEngine, database_unavailable
from tests.bad_input.helpers import problem
from tests.factories import credit_code


@contextlib.contextmanager
def closed_port() -> AsyncIterator[int]:
    """A loopback port that refuses connections (bound, never listening) for as long as it is held."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@contextlib.asynccontextmanager
async def database_gone(*, pool: bool) -> AsyncIterator[None]:
    """Point the app's engine at a database that is not there, then put it back."""
    engine = db.engine()
    if isinstance(engine, EmbeddedSQLiteEngine):
        path = engine.path
        await engine.close()
        with tempfile.TemporaryDirectory() as directory:  # a directory cannot be opened as a database
            engine.path = directory
            try:
                yield
            finally:
                await engine.close()
                engine.path = path
        return
    config = dict(engine.config)
    await db.stop()
    with closed_port() as port:
        engine.config = {"dsn": f"postgresql://postgres@127.0.0.1:{port}/nowhere"}
        if pool:  # a pool whose connections are all gone: every acquire has to reconnect, and cannot
            await engine.start_connection_pool(min_size=0, max_size=2, timeout=2)
        try:
            yield
        finally:
            if engine.pool is not None:
                await engine.close_connection_pool()
            engine.config = config
            await db.start()


@pytest.mark.parametrize("pool", [True, False])
async def test_requests_answer_503_with_retry_after_while_the_database_is_unreachable(factory, pool):
    admin = await factory.user("admin", username="admin-503")
    enterprise = {"name": "福州测试科技", "credit_code": credit_code(503), "district": "鼓楼区"}
    async with database_gone(pool=pool):
        for reply in (
            await factory.client.post(
                "/api/v1/auth/login", json={"username": "admin-503", "password": "correct-horse-1"}
            ),
            await admin.get("/api/v1/enterprises"),
            await admin.get("/api/v1/me"),
            await admin.post("/api/v1/enterprises", json=enterprise),
        ):
            body = problem(reply, 503, "database_unavailable")
            assert reply.headers["retry-after"] == "5", reply.headers
            assert "database" in body["detail"]
        # Liveness does not depend on the database; readiness does.
        assert (await factory.client.get("/health")).status_code == 200
        ready = await factory.client.get("/ready")
        assert ready.status_code == 503 and ready.json()["checks"]["database"]["status"] == "failed"
    assert (await factory.client.get("/ready")).status_code == 200
    assert await Enterprise.count() == 0
    assert (await admin.post("/api/v1/enterprises", json=enterprise)).status_code == 201


def test_only_outages_count_as_unavailable():
    assert database_unavailable(ConnectionRefusedError(111, "Connect call failed"))
    assert database_unavailable(TimeoutError())
    assert database_unavailable(asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"))
    assert database_unavailable(asyncpg.exceptions.CannotConnectNowError("the database system is starting up"))
    assert database_unavailable(asyncpg.exceptions.TooManyConnectionsError("too many clients"))
    assert database_unavailable(asyncpg.InterfaceError("pool is closed"))
    assert database_unavailable(sqlite3.OperationalError("unable to open database file"))
    assert database_unavailable(sqlite3.OperationalError("database is locked"))
    try:
        try:
            raise ConnectionResetError()
        except ConnectionResetError:
            raise asyncpg.InterfaceError("cannot perform operation: connection is closed")  # noqa: B904
    except asyncpg.InterfaceError as chained:
        assert database_unavailable(chained)
    assert not database_unavailable(sqlite3.OperationalError("no such table: cards"))
    assert not database_unavailable(asyncpg.exceptions.UniqueViolationError("duplicate key"))
    assert not database_unavailable(asyncpg.InterfaceError("the server expects 2 arguments"))
    assert not database_unavailable(ValueError("bad"))
    assert not database_unavailable(FileNotFoundError(2, "No such file or directory"))
