"""The embedded SQLite database is created readable by its owner only, like the keys beside it."""

from __future__ import annotations

import stat

from backend.platform import db


async def test_a_new_sqlite_database_and_its_wal_files_are_private(tmp_path):
    path = tmp_path / "data" / "greencard.db"
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        await engine.run_ddl("CREATE TABLE t (x INTEGER)")
        await engine.run_ddl("INSERT INTO t VALUES (1)")
        files = [path, path.with_name("greencard.db-wal"), path.with_name("greencard.db-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {f.name: "0o600" for f in files}
    finally:
        await engine.close()
