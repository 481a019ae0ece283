"""Test harness: one real database per run (SQLite file, or TEST_DATABASE_URL on PostgreSQL),
migrated once, emptied before every test; the app clock reset; an HTTP client on the real app."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="greencard-test-"))
os.environ["DATA_DIR"] = str(_TMP / "data")
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
os.environ.setdefault("PUBLIC_BASE_URL", "https://greencard.test")
# A light Argon2 cost keeps the suite fast; production uses the settings' defaults.
os.environ.setdefault("PASSWORD_MEMORY_KIB", "1024")
os.environ.setdefault("PASSWORD_TIME_COST", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import httpx  # noqa: E402
import pytest  # noqa: E402

from backend.app import create_app  # noqa: E402
from backend.piccolo_conf import APP_REGISTRY  # noqa: E402
from backend.platform import clock, db  # noqa: E402
from backend.platform.migrate import migrate  # noqa: E402
from tests.factories import Factory  # noqa: E402

ALL_TABLES = [t for app in APP_REGISTRY.app_configs.values() for t in app.table_classes]


async def _reset_postgres() -> None:
    await db.engine().run_ddl("DROP SCHEMA IF EXISTS public CASCADE")
    await db.engine().run_ddl("CREATE SCHEMA public")


async def empty_all_tables() -> None:
    names = [t._meta.tablename for t in ALL_TABLES]
    if db.is_sqlite():
        await db.engine().run_ddl("PRAGMA foreign_keys = OFF")
        for name in names:
            await db.engine().run_ddl(f'DELETE FROM "{name}"')
        await db.engine().run_ddl("PRAGMA foreign_keys = ON")
    elif names:
        await db.engine().run_ddl("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE")


@pytest.fixture(scope="session")
async def app():
    if not db.is_sqlite():
        await db.start()
        await _reset_postgres()
        await db.stop()
    await migrate()
    return create_app()


@pytest.fixture(scope="session")
async def client(app):
    # The app's lifespan and the requests share the test's event loop (AsyncTestClient would run
    # the lifespan in a portal thread, on another loop than the database pool's users).
    # The lifespan runs in a task of its own, since fixture setup and teardown run in different tasks.
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    lifespan = asyncio.create_task(run_lifespan())
    await started.wait()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as test_client:
        yield test_client
    stop.set()
    await lifespan


@pytest.fixture(autouse=True)
async def _clean(client):
    await empty_all_tables()
    clock.set_now(None)
    yield
    clock.set_now(None)


@pytest.fixture
def factory(client) -> Factory:
    return Factory(client)


# The reminder scheduler stays off in the test process; tests run its jobs directly with a set clock.
os.environ.setdefault("REMINDER_INTERVAL_SECONDS", "0")
