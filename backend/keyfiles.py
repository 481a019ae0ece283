"""Secret files in DATA_DIR: created once (mode 0600), safely when several processes start together."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The file's bytes; on first use write `make()` with mode 0600 (first writer wins)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    tmp_data = make()
    with os.fdopen(fd, "wb") as handle:
        handle.write(tmp_data)
    return tmp_data


def write_private(path: Path, data: bytes) -> None:
    """Write a new secret file atomically with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
