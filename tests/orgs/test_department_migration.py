"""The migration that gives departments a district, applied to a database that already has
departments (SQLite, or a scratch PostgreSQL database beside the test one): they become city-level."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import asyncpg

ROOT = Path(__file__).resolve().parents[2]
BEFORE = "2026-11-27T21:13:57:034154"  # the orgs migration before departments.district (it prints progress; the result is the last line)

SCRIPT = f"""
import asyncio, json
from piccolo.apps.migrations.commands.forwards import run_forwards
from backend.platform import clock, db
from backend.platform.migrate import migrate
from backend.orgs.tables import Department

async def main():
    done = await run_forwards(app_name="orgs", migration_id="{BEFORE}", fake=False)
    assert done.success, done.message
    await Department.raw(
        "INSERT INTO departments (id, name, created_at) "
        "VALUES ('0190aaaa-0000-7000-8000-000000000001', '市税务局', CURRENT_TIMESTAMP)"
    )
    await migrate()
    await db.start()
    await Department.insert(Department(name="鼓楼区税务局", district="鼓楼区", created_at=clock.now()))
    rows = await Department.select(Department.name, Department.district).order_by(Department.name)
    print(json.dumps(rows, ensure_ascii=False))
    await db.stop()

asyncio.run(main())
"""


async def _scratch_postgres(url: str) -> str:
    """A fresh database named after the test database, for this test alone."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "_upgrade"
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return urlunparse(parsed._replace(path=f"/{name}"))


async def _drop(url: str) -> None:
    parsed = urlparse(url)
    conn = await asyncpg.connect(urlunparse(parsed._replace(path="/postgres")))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}"')
    finally:
        await conn.close()


async def test_existing_departments_become_city_level(tmp_path):
    test_url = os.environ["DATABASE_URL"]
    url = await _scratch_postgres(test_url) if test_url.startswith("postgres") else f"sqlite:///{tmp_path / 'old.db'}"
    try:
        env = os.environ | {"DATABASE_URL": url, "DATA_DIR": str(tmp_path)}
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout.splitlines()[-1]) == [
            {"name": "市税务局", "district": None},
            {"name": "鼓楼区税务局", "district": "鼓楼区"},
        ]
    finally:
        if url.startswith("postgres"):
            await _drop(url)
