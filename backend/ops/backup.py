"""`backup PATH` and `restore PATH`: one tar.gz holding a consistent copy of the database and the
files of DATA_DIR (signing keys, the auth secret, photos), and putting it back on an empty instance.

The archive:
    database/greencard.sqlite | database/greencard.pgdump   the database (see databases.py)
    data/...                                                DATA_DIR, less the SQLite file itself
    manifest.json                                           what the archive holds (written last)

Consistency between the two halves: the database is copied first, then the files are read. A
photo's file is written before its row commits and is never deleted once the row exists, and a
signing key's file is written before its row, so every row in the copy finds its file in the
archive; a file newer than the copy is a harmless extra. The archive is written 0600 (it holds
private keys) under a temporary name and renamed when complete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import io
import os
import secrets
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

import msgspec
from rich.progress import Progress

from backend.ops import databases
from backend.ops.databases import BackupError
from backend.ops.probes import shipped_migrations
from backend.piccolo_conf import APP_REGISTRY
from backend.platform import clock
from backend.platform.settings import settings

FORMAT = "greencard-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data"
DATABASE_MEMBER = {"sqlite": "database/greencard.sqlite", "postgresql": "database/greencard.pgdump"}
# Rows a fresh instance makes on its first start (its signing key) do not make it "not empty".
STARTUP_TABLES = {databases.MIGRATION_TABLE, "card_signing_keys"}
STAGING_PREFIXES = (".restore-", ".replaced-")


class DatabaseEntry(msgspec.Struct):
    kind: str  # sqlite | postgresql
    member: str
    bytes: int
    sha256: str
    migrations: dict[str, list[str]]  # app -> applied migration ids
    head: dict[str, str]  # app -> its latest applied migration


class FilesEntry(msgspec.Struct):
    count: int
    bytes: int
    keys: int
    photos: int


class Manifest(msgspec.Struct):
    format: str
    format_version: int
    app_version: str
    created_at: dt.datetime
    database: DatabaseEntry
    counts: dict[str, int]  # rows per table, from the same snapshot as the copy
    files: FilesEntry


def _app_version() -> str:
    try:
        return importlib.metadata.version("greencard-backend")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _skipped(relative: PurePosixPath) -> bool:
    """Files in flight (a photo's `.part`, a secret's `.tmp-*`) and this tool's own folders."""
    first = relative.parts[0]
    return first.startswith(STAGING_PREFIXES) or relative.suffix == ".part" or relative.name.startswith(".tmp-")


def _database_files() -> set[Path]:
    if databases.kind() != "sqlite":
        return set()
    path = databases.sqlite_path()
    return {path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}


def data_files(data_dir: Path, exclude: set[Path]) -> list[tuple[Path, PurePosixPath]]:
    """Regular files under DATA_DIR to archive, with their path inside it."""
    out: list[tuple[Path, PurePosixPath]] = []
    if not data_dir.is_dir():
        return out
    for root, dirs, files in os.walk(data_dir):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            relative = PurePosixPath(path.relative_to(data_dir).as_posix())
            if path.resolve() in exclude or _skipped(relative) or not path.is_file() or path.is_symlink():
                continue
            out.append((path, relative))
    return out


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode = 0o600
    return info


def _top(relative: PurePosixPath) -> str:
    return relative.parts[0] if len(relative.parts) > 1 else ""


async def backup(path: Path, *, progress: Progress | None = None) -> Manifest:
    """Write the archive to `path` (which must not exist yet)."""
    progress = progress or Progress(disable=True)
    path = path.resolve()
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new name")
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = databases.kind()
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as scratch:
        copy = Path(scratch) / PurePosixPath(DATABASE_MEMBER[kind]).name
        step = progress.add_task(f"数据库 database ({kind})", total=None)
        if kind == "sqlite":
            import anyio.to_thread

            snapshot = await anyio.to_thread.run_sync(databases.sqlite_copy, copy)
        else:
            snapshot = await databases.postgres_copy(copy)
        progress.update(step, total=copy.stat().st_size, completed=copy.stat().st_size)
        database = DatabaseEntry(
            kind=kind,
            member=DATABASE_MEMBER[kind],
            bytes=copy.stat().st_size,
            sha256=_sha256(copy),
            migrations=snapshot.migrations,
            head={app: ids[-1] for app, ids in snapshot.migrations.items() if ids},
        )
        exclude = _database_files() | {path, path.with_name(path.name + ".partial")}
        files = data_files(settings.data_dir, {p.resolve() for p in exclude})
        partial = path.with_name(path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        archived: list[tuple[PurePosixPath, int]] = []
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(copy, arcname=database.member, recursive=False, filter=_private)
                step = progress.add_task("文件 files (keys, photos)", total=sum(p.stat().st_size for p, _ in files))
                for file, relative in files:
                    try:
                        tar.add(file, arcname=f"{DATA}/{relative}", recursive=False)
                    except FileNotFoundError:
                        continue  # an upload whose row was never written, removed meanwhile
                    size = file.stat().st_size if file.exists() else 0
                    archived.append((relative, size))
                    progress.advance(step, size)
                manifest = Manifest(
                    format=FORMAT,
                    format_version=FORMAT_VERSION,
                    app_version=_app_version(),
                    created_at=clock.now(),
                    database=database,
                    counts=snapshot.counts,
                    files=FilesEntry(
                        count=len(archived),
                        bytes=sum(size for _, size in archived),
                        keys=sum(1 for r, _ in archived if _top(r) == "keys"),
                        photos=sum(1 for r, _ in archived if _top(r) == "photos"),
                    ),
                )
                body = msgspec.json.format(msgspec.json.encode(manifest), indent=2)
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(manifest.created_at.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(body))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


# -- restore ---------------------------------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError("this is not a backup of this application: it has no manifest.json") from None
    handle = tar.extractfile(member)
    if handle is None:
        raise BackupError("manifest.json is not a file")
    try:
        manifest = msgspec.json.decode(handle.read(), type=Manifest)
    except msgspec.DecodeError as exc:
        raise BackupError(f"manifest.json cannot be read: {exc}") from None
    if manifest.format != FORMAT or manifest.format_version > FORMAT_VERSION:
        raise BackupError(
            f"backup format {manifest.format} {manifest.format_version} is not one this version reads "
            f"({FORMAT} {FORMAT_VERSION} or older)"
        )
    return manifest


def _check_members(tar: tarfile.TarFile, manifest: Manifest) -> list[tarfile.TarInfo]:
    """The `data/` members, after making sure every member is one this tool writes: the manifest,
    the database, and plain files and folders under `data/` with no way out of it."""
    data = []
    for member in tar.getmembers():
        name = PurePosixPath(member.name)
        if member.name in (MANIFEST, manifest.database.member):
            if not member.isfile():
                raise BackupError(f"{member.name} in the archive is not a file")
            continue
        if name.is_absolute() or ".." in name.parts or name.parts[0] != DATA or len(name.parts) < 2:
            raise BackupError(f"unexpected entry {member.name!r} in the archive: refusing to restore")
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"{member.name!r} in the archive is neither a file nor a folder: refusing to restore")
        data.append(member)
    return data


def _application_tables() -> list[str]:
    return [t._meta.tablename for app in APP_REGISTRY.app_configs.values() for t in app.table_classes]


async def occupied() -> list[str]:
    """What the target instance already holds (empty: nothing but a fresh start's signing key)."""
    found = []
    snapshot = await databases.live_snapshot()
    for table, rows in sorted(snapshot.counts.items()):
        if rows and table not in STARTUP_TABLES:
            found.append(f"{table}: {rows} rows")
    photos = settings.data_dir / "photos"
    if photos.is_dir() and any(p.is_file() for p in photos.iterdir()):
        found.append(f"{photos}: {sum(1 for p in photos.iterdir() if p.is_file())} files")
    return found


def _check_migrations(manifest: Manifest) -> None:
    shipped = shipped_migrations()
    unknown = sorted(
        f"{app}/{mid}" for app, ids in manifest.database.migrations.items() for mid in ids if (app, mid) not in shipped
    )
    if unknown:
        raise BackupError(
            f"the backup was made by a newer version (version {manifest.app_version}; migrations this version "
            f"does not have: {', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}): restore it with that version"
        )


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    handle = tar.extractfile(member)
    assert handle is not None
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(handle, out, 1 << 20)


def _place_files(staged: Path, *, keep_replaced: bool) -> Path | None:
    """Move each top-level entry of `staged` into DATA_DIR, replacing what is there (moved aside to
    `.replaced-<time>` when the instance was not empty). The SQLite database is never replaced here."""
    data_dir = settings.data_dir
    protected = _database_files()
    aside: Path | None = None
    for entry in sorted(staged.iterdir()):
        target = data_dir / entry.name
        if target.resolve() in protected:
            continue
        if target.exists() or target.is_symlink():
            if keep_replaced:
                if aside is None:
                    aside = data_dir / f".replaced-{clock.now():%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"
                    aside.mkdir(mode=0o700)
                os.replace(target, aside / entry.name)
            elif target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()
        os.replace(entry, target)
    return aside


class Restored(msgspec.Struct):
    manifest: Manifest
    replaced: str | None  # where the instance's earlier files were moved (when --force replaced them)
    pending_migrations: list[str]  # migrations this version has that the backup had not applied


def _open(path: Path) -> tuple[tarfile.TarFile, Manifest, list[tarfile.TarInfo]]:
    """The archive, its manifest and its `data/` members, once everything in it checks out
    against this version and DATABASE_URL (no database connection needed)."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        tar = tarfile.open(path, mode="r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a readable tar.gz archive ({exc})") from None
    try:
        manifest = read_manifest(tar)
        kind = databases.kind()
        if manifest.database.kind != kind:
            raise BackupError(
                f"the backup holds a {manifest.database.kind} database and DATABASE_URL points at {kind}: "
                "restore into the same kind of database"
            )
        data_members = _check_members(tar, manifest)
        _check_migrations(manifest)
    except BaseException:
        tar.close()
        raise
    return tar, manifest, data_members


def inspect(path: Path) -> Manifest:
    """The archive's manifest, if `restore` could use the archive here."""
    tar, manifest, _ = _open(path)
    tar.close()
    return manifest


async def restore(path: Path, *, force: bool = False, progress: Progress | None = None) -> Restored:
    """Put the archive at `path` back into the configured database and DATA_DIR."""
    progress = progress or Progress(disable=True)
    kind = databases.kind()
    step = progress.add_task("检查 checking the archive", total=None)
    tar, manifest, data_members = _open(path)
    with contextlib.closing(tar):
        progress.update(step, total=1, completed=1)
        there = await occupied()
        if there and not force:
            raise BackupError(
                "the target instance is not empty (" + "; ".join(there) + "): restore into an empty database "
                "and DATA_DIR, or add --force to replace them"
            )
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=settings.data_dir, prefix=".restore-"))
        try:
            step = progress.add_task("数据库 database", total=None)
            database_member = tar.getmember(manifest.database.member)
            if kind == "sqlite":
                target = databases.sqlite_path()
                target.parent.mkdir(parents=True, exist_ok=True)
                staged_db = target.with_name(f".{target.name}.restoring")
            else:
                staged_db = staging / "database.pgdump"
            _extract(tar, database_member, staged_db)
            if _sha256(staged_db) != manifest.database.sha256:
                staged_db.unlink()
                raise BackupError("the database in the archive does not match its checksum: the archive is damaged")
            if kind == "sqlite":
                await databases.sqlite_put_back(staged_db)
            else:
                await databases.postgres_put_back(staged_db, _application_tables())
            progress.update(step, total=1, completed=1)

            step = progress.add_task("文件 files (keys, photos)", total=sum(m.size for m in data_members))
            files = staging / DATA
            for member in data_members:
                relative = PurePosixPath(member.name).relative_to(DATA)
                destination = files / relative
                if member.isdir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                tar.extract(member, staging, filter="data")
                os.chmod(destination, member.mode & 0o700 if (relative.parts[0] == "keys") else member.mode & 0o755)
                progress.advance(step, member.size)
            replaced = _place_files(files, keep_replaced=bool(there)) if files.exists() else None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    step = progress.add_task("核对 verifying", total=None)
    now = await databases.live_snapshot()
    wrong = {t: (n, now.counts.get(t)) for t, n in manifest.counts.items() if now.counts.get(t) != n}
    if wrong:
        raise BackupError(
            f"after restoring, these tables do not hold what the manifest says (expected, found): {wrong}"
        )
    progress.update(step, total=1, completed=1)
    applied = {(app, mid) for app, ids in manifest.database.migrations.items() for mid in ids}
    pending = sorted(f"{app}/{mid}" for app, mid in shipped_migrations() - applied)
    return Restored(manifest=manifest, replaced=str(replaced) if replaced else None, pending_migrations=pending)
