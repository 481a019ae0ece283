"""Secret key files: processes racing to create one all read the same whole secret."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend.platform import keyfiles
from backend.security import tokens

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh, single-threaded interpreter, so forking the racers there is safe.
RACE = r"""
import json, multiprocessing as mp, os, sys
from pathlib import Path
from backend.platform.keyfiles import read_or_create

folder, racers, rounds = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

def race(barrier, results):
    seen = []
    for n in range(rounds):
        barrier.wait()
        data = read_or_create(folder / f"secret-{n}", lambda: os.urandom(24).hex().encode(), min_length=32)
        seen.append(data.decode())
    results.put(seen)

ctx = mp.get_context("fork")
barrier, results = ctx.Barrier(racers), ctx.Queue()
workers = [ctx.Process(target=race, args=(barrier, results)) for _ in range(racers)]
for w in workers:
    w.start()
print(json.dumps([results.get(timeout=120) for _ in workers]))
for w in workers:
    w.join()
"""


def test_processes_racing_to_create_a_secret_all_read_the_one_whole_secret(tmp_path):
    racers, rounds = 8, 60
    done = subprocess.run(
        [sys.executable, "-c", RACE, str(tmp_path), str(racers), str(rounds)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    seen = json.loads(done.stdout)  # one list of `rounds` secrets per racer
    for n in range(rounds):
        on_disk = (tmp_path / f"secret-{n}").read_text()
        got = [racer[n] for racer in seen]
        assert len(on_disk) == 48 and got == [on_disk] * racers, (n, got)
        assert (tmp_path / f"secret-{n}").stat().st_mode & 0o777 == 0o600
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("secret-")]  # no temporary files left


def test_an_empty_or_cut_short_secret_file_is_refused_not_used(tmp_path):
    for content in (b"", b"abc"):
        path = tmp_path / "auth-secret"
        path.write_bytes(content)
        with pytest.raises(keyfiles.BadSecretFile):
            keyfiles.read_or_create(path, lambda: b"x" * 64, min_length=32)
        assert path.read_bytes() == content


def test_a_short_auth_secret_stops_the_start_and_is_not_remembered(monkeypatch):
    tokens._secret.cache_clear()
    try:
        monkeypatch.setenv("AUTH_SECRET", "short")
        with pytest.raises(RuntimeError, match="AUTH_SECRET"):
            tokens.ensure_secret()
        monkeypatch.setenv("AUTH_SECRET", "s" * 40)
        tokens.ensure_secret()
        assert tokens._secret() == b"s" * 40
    finally:
        monkeypatch.undo()
        tokens._secret.cache_clear()


def test_write_private_replaces_whole_files_with_mode_0600(tmp_path):
    path = tmp_path / "keys" / "card-abc.pem"
    keyfiles.write_private(path, b"first")
    keyfiles.write_private(path, b"second")
    assert path.read_bytes() == b"second"
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["card-abc.pem"]
