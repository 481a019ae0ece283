"""The embedded SQLite default under concurrency, and transactions that roll back whole."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import pytest

from backend.orgs.tables import Department, Enterprise
from backend.platform import clock, db
from tests.factories import credit_code

sqlite_only = pytest.mark.skipif(
    "not __import__('backend.platform.db').platform.db.is_sqlite()", reason="SQLite engine behaviour"
)


@sqlite_only
async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    rows = await db.engine().run_ddl("PRAGMA journal_mode")
    assert rows[0]["journal_mode"] == "wal"
    rows = await db.engine().run_ddl("PRAGMA busy_timeout")
    assert rows[0]["timeout"] >= 5000


async def test_fifty_concurrent_writes_all_succeed(factory):
    admin = await factory.user("admin")

    async def register(i: int):
        body = {"name": f"并发企业{i}", "credit_code": credit_code(10_000 + i), "district": "鼓楼区"}
        return await admin.post("/api/v1/enterprises", json=body)

    responses = await asyncio.gather(*(register(i) for i in range(50)))
    assert [r.status_code for r in responses] == [201] * 50, [r.text for r in responses if r.status_code != 201]
    assert await Enterprise.count() == 50


@sqlite_only
async def test_writes_from_another_process_wait_instead_of_failing(factory, tmp_path):
    """A CLI process writing beside the server: both sides' writes land, none fails as locked."""
    script = textwrap.dedent(
        """
        import asyncio, os
        from backend.platform import db
        from backend.orgs import schemas, service
        from backend.platform.actor import Actor, Role
        SYSTEM = Actor(id="00000000-0000-0000-0000-000000000000", username="cli", role=Role.ADMIN)
        async def main():
            for i in range(50):
                async with db.transaction():
                    await service.create_department(data=schemas.DepartmentCreate(name=f"外部门{i}", district=None), actor=SYSTEM)
            await db.stop()
        asyncio.run(main())
        """
    )
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", script, stderr=subprocess.PIPE)
    for i in range(50):
        async with db.transaction():
            await Department.insert(Department(name=f"本进程{i}", created_at=clock.now()))
        await asyncio.sleep(0)
    _, stderr = await proc.communicate()
    assert proc.returncode == 0, stderr.decode()
    assert await Department.count() == 100


async def test_a_failing_transaction_leaves_nothing_behind():
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await Department.insert(Department(name="回滚", created_at=clock.now()))
            raise RuntimeError("boom")
    assert await Department.count() == 0
