"""Secret files in DATA_DIR: created once (mode 0600), safely when several processes start together.

A secret is written whole to a temporary file in the same folder, flushed to disk, and then
hard-linked to its name: the link appears complete or not at all, and it fails when the name
exists, so of processes racing to create one secret the first wins and every other reads the
winner's bytes. (Creating the file and then writing it let a second worker read it empty in
between; that worker then signed and checked tokens with an empty secret.) A file that exists
but is shorter than the secret must be is refused, never used.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


class BadSecretFile(RuntimeError):
    """A secret file exists but cannot be a whole secret (empty or truncated)."""


def _temporary(folder: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(dir=folder, prefix=".tmp-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read(path: Path, min_length: int) -> bytes:
    data = path.read_bytes()
    if len(data) < min_length:
        raise BadSecretFile(
            f"{path} holds {len(data)} bytes where a secret has at least {min_length}: it was cut short. "
            "Remove it (tokens made with the old secret stop working) and start again."
        )
    return data


def read_or_create(path: Path, make: Callable[[], bytes], *, min_length: int = 1) -> bytes:
    """The file's bytes; on first use `make()` is written with mode 0600 (the first writer wins)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return _read(path, min_length)
    data = make()
    if len(data) < min_length:
        raise ValueError(f"a new secret for {path} must have at least {min_length} bytes")
    partial = _temporary(path.parent, data)
    try:
        os.link(partial, path)
    except FileExistsError:
        return _read(path, min_length)  # another process won the race: its secret is complete
    finally:
        partial.unlink()
    _sync_folder(path.parent)
    return data


def write_private(path: Path, data: bytes) -> None:
    """Write a new secret file atomically with mode 0600 (replacing any file of that name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = _temporary(path.parent, data)
    try:
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
