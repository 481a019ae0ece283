"""`backup` then `restore` onto a fresh DATA_DIR and a fresh database: a real server on the restored
instance has every card, visit, photo and key, and credentials and access tokens made before the
backup still verify. On both databases (PostgreSQL restores into a second database:
TEST_RESTORE_DATABASE_URL, else `<test database>_restore`, created when missing)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import stat
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import asyncpg
import httpx

from backend.cards import keys
from backend.platform import db
from backend.platform.settings import settings
from tests.cards.conftest import holder, issue
from tests.servers import ROOT, Server
from tests.visits.helpers import assigned
from tests.visits.test_photos import png


async def restore_target(tmp_path: Path) -> str:
    """An empty database of the kind under test."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'restored' / 'greencard.db'}"
    parsed = urlparse(base)
    url = os.environ.get("TEST_RESTORE_DATABASE_URL") or urlunparse(parsed._replace(path=f"{parsed.path}_restore"))
    name = urlparse(url).path.lstrip("/")
    admin = await asyncpg.connect(base)
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    target = await asyncpg.connect(url)
    try:
        await target.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        await target.close()
    return url


async def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "backend", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def kid_of(token: str) -> str:
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def files_under(folder: Path) -> dict[str, tuple[bytes, int]]:
    """DATA_DIR's keys and photos: name -> (bytes, mode)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
        for sub in ("keys", "photos")
        for p in sorted((folder / sub).rglob("*"))
        if p.is_file()
    }


async def test_a_backup_restores_onto_a_fresh_instance_and_old_credentials_still_verify(factory, tmp_path):
    # A world: cards signed by two keys (one rotated out), a visit with a photo, access tokens.
    admin = await factory.user("admin")
    point = await factory.service_point(service="medical")
    staff = await factory.user("service_staff", service_point_id=point.id)
    first_owner = await holder(factory, name="𠮷䶮", enterprise="福州堃喆科技有限公司")
    second_owner = await holder(factory, name="王喆", enterprise="福州闽江贸易有限公司")
    first = await issue(admin, first_owner)
    first_credential = (await admin.get(f"/api/v1/cards/{first['id']}/credential")).json()["token"]
    async with db.transaction():
        await keys.rotate()
    keys.forget()
    second = await issue(admin, second_owner)
    second_credential = (await admin.get(f"/api/v1/cards/{second['id']}/credential")).json()["token"]
    assert kid_of(first_credential) != kid_of(second_credential)
    setup = await assigned(factory, admin=admin)
    visit = await setup.leader.post(
        "/api/v1/visits",
        json={"enterprise_id": setup.enterprise.id, "visited_at": "2026-06-10T15:00:00+08:00", "summary": "走访"},
    )
    assert visit.status_code == 201, visit.text
    photo = await setup.leader.post(
        f"/api/v1/visits/{visit.json()['id']}/photos", files={"file": ("p.png", png(), "image/png")}
    )
    assert photo.status_code == 201, photo.text
    photo_path = photo.json()["url"].split("greencard.test", 1)[1]
    photo_bytes = (await setup.leader.get(photo_path)).content
    old_admin, old_staff, old_leader = admin.headers, staff.headers, setup.leader.headers  # minted before the backup
    cards_before = (await admin.get("/api/v1/cards")).json()["items"]
    files_before = files_under(settings.data_dir)
    # (DATA_DIR is the test session's: earlier tests' files are there too, and are archived as well.)
    assert f"photos/{photo.json()['id']}" in files_before
    assert {f"keys/card-{kid_of(first_credential)}.pem", f"keys/card-{kid_of(second_credential)}.pem"} <= set(
        files_before
    )

    archive = tmp_path / "greencard-backup.tar.gz"
    made = await cli("backup", str(archive), env=dict(os.environ))
    assert made.returncode == 0, made.stderr
    assert "2 cards, 1 visits" in made.stdout
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds the private keys
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["counts"]["cards"] == 2 and manifest["counts"]["visit_photos"] == 1
    assert manifest["files"]["keys"] == sum(name.startswith("keys/") for name in files_before)
    assert manifest["files"]["photos"] == sum(name.startswith("photos/") for name in files_before)
    assert manifest["database"]["kind"] == ("sqlite" if db.is_sqlite() else "postgresql")
    assert manifest["database"]["head"]["cards"]

    fresh = dict(os.environ) | {"DATA_DIR": str(tmp_path / "restored"), "DATABASE_URL": await restore_target(tmp_path)}
    restored = await cli("restore", str(archive), env=fresh)
    assert restored.returncode == 0, restored.stderr
    assert files_under(tmp_path / "restored") == files_before  # keys (0600) and photos, byte for byte
    if db.is_sqlite():
        assert stat.S_IMODE((tmp_path / "restored" / "greencard.db").stat().st_mode) == 0o600
    again = await cli("restore", str(archive), env=fresh)
    assert again.returncode == 1 and "not empty" in again.stderr and "cards: 2 rows" in again.stderr
    assert (await cli("migrate", env=fresh)).returncode == 0

    server = Server(fresh)
    try:
        await server.ready(time.monotonic() + 60)
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            assert (await client.get("/ready")).status_code == 200
            cards_after = (await client.get("/api/v1/cards", headers=old_admin)).json()["items"]
            assert cards_after == cards_before
            jwks = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
            assert {kid_of(first_credential), kid_of(second_credential)} <= jwks
            stored = await client.get(f"/api/v1/cards/{first['id']}/credential", headers=old_admin)
            assert stored.json()["token"] == first_credential
            for credential in (first_credential, second_credential):
                verdict = await client.post("/api/v1/verifications", json={"token": credential}, headers=old_staff)
                assert verdict.status_code == 200 and verdict.json()["result"] == "valid", verdict.text
            assert (await client.get(photo_path, headers=old_leader)).content == photo_bytes
            visits = (await client.get("/api/v1/visits", headers=old_admin)).json()["items"]
            assert [v["id"] for v in visits] == [visit.json()["id"]]
            card_png = await client.get(f"/api/v1/cards/{first['id']}/card.png", headers=old_admin)
            assert card_png.status_code == 200
            # The restored active key still signs: a card issued now gets a credential.
            third_owner = await client.post(
                "/api/v1/users",
                json={
                    "username": "after-restore",
                    "password": "correct-horse-1",
                    "role": "entrepreneur",
                    "display_name": "林晓",
                    "enterprise_id": setup.enterprise.id,
                },
                headers=old_admin,
            )
            assert third_owner.status_code == 201, third_owner.text
            third = await client.post(
                "/api/v1/cards",
                json={
                    "holder_id": third_owner.json()["id"],
                    "enterprise_id": setup.enterprise.id,
                    "services": ["medical"],
                },
                headers=old_admin,
            )
            assert third.status_code == 201, third.text
            credential = await client.get(f"/api/v1/cards/{third.json()['id']}/credential", headers=old_admin)
            assert kid_of(credential.json()["token"]) == kid_of(second_credential)
    finally:
        server.stop()


async def test_a_damaged_or_foreign_archive_is_refused_and_changes_nothing(factory, tmp_path):
    await factory.user("admin")
    archive = tmp_path / "backup.tar.gz"
    assert (await cli("backup", str(archive), env=dict(os.environ))).returncode == 0
    again = await cli("backup", str(archive), env=dict(os.environ))
    assert again.returncode == 1 and "exists already" in again.stderr
    fresh = dict(os.environ) | {"DATA_DIR": str(tmp_path / "restored"), "DATABASE_URL": await restore_target(tmp_path)}

    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(evil, "w:gz") as out:
        for member in source.getmembers():
            out.addfile(member, source.extractfile(member))
        escape = tarfile.TarInfo("data/../../escaped")
        escape.size = 2
        out.addfile(escape, __import__("io").BytesIO(b"hi"))
    refused = await cli("restore", str(evil), env=fresh)
    assert refused.returncode == 1 and "unexpected entry" in refused.stderr
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "restored" / "keys").exists()

    not_ours = tmp_path / "other.tar.gz"
    with tarfile.open(not_ours, "w:gz") as out:
        out.add(__file__, arcname="notes.txt")
    refused = await cli("restore", str(not_ours), env=fresh)
    assert refused.returncode == 1 and "no manifest.json" in refused.stderr

    other_kind = dict(fresh) | {
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none" if db.is_sqlite() else f"sqlite:///{tmp_path / 'x.db'}"
    }
    refused = await cli("restore", str(archive), env=other_kind)
    assert refused.returncode == 1 and "restore into the same kind of database" in refused.stderr
