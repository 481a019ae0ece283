"""CLI: `python -m backend backup PATH`, `python -m backend restore PATH [--force]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

from backend.ops.backup import backup, inspect, restore
from backend.ops.databases import BackupError
from backend.platform.db import database_unavailable, run_async


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )


def _failed(exc: BaseException) -> int | None:
    """Exit status 1 with a one-line reason for what the operator can act on; None otherwise."""
    if isinstance(exc, BackupError):
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if database_unavailable(exc):
        print(f"error: the database cannot be reached ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 1
    return None


def _backup(args: argparse.Namespace) -> int:
    try:
        with _progress() as progress:
            manifest = run_async(lambda: backup(Path(args.path), progress=progress))
    except Exception as exc:
        status = _failed(exc)
        if status is None:
            raise
        return status
    counts = manifest.counts
    print(
        f"backed up {manifest.database.kind} ({sum(counts.values())} rows in {len(counts)} tables: "
        f"{counts.get('cards', 0)} cards, {counts.get('visits', 0)} visits), "
        f"{manifest.files.keys} key files and {manifest.files.photos} photo files to {Path(args.path).resolve()}"
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    try:
        inspect(Path(args.path))  # before connecting: a wrong archive is told as such
        with _progress() as progress:
            done = run_async(lambda: restore(Path(args.path), force=args.force, progress=progress))
    except Exception as exc:
        status = _failed(exc)
        if status is None:
            raise
        return status
    manifest = done.manifest
    print(
        f"restored the backup of {manifest.created_at:%Y-%m-%d %H:%M:%S %Z} (version {manifest.app_version}): "
        f"{sum(manifest.counts.values())} rows, {manifest.files.count} files"
    )
    if done.replaced:
        print(f"the instance's earlier files are in {done.replaced}: remove them once you no longer need them")
    if done.pending_migrations:
        print(f"{len(done.pending_migrations)} migrations are newer than the backup: run `python -m backend migrate`")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser(
        "backup", help="write the database and DATA_DIR (keys, photos) into one .tar.gz archive (mode 0600)"
    )
    cmd.add_argument("path", help="the archive to write (must not exist)")
    cmd.set_defaults(func=_backup)
    cmd = subparsers.add_parser("restore", help="put a backup back on an empty instance (stop the server first)")
    cmd.add_argument("path", help="an archive written by `backup`")
    cmd.add_argument("--force", action="store_true", help="replace a database and DATA_DIR that are not empty")
    cmd.set_defaults(func=_restore)
