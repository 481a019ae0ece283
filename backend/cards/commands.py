"""`python -m backend keys rotate`: a new card-signing key signs from now on."""

from __future__ import annotations

import argparse

from backend.cards import keys
from backend.platform import db
from backend.platform.db import run_async


def _rotate(_: argparse.Namespace) -> int:
    async def work() -> str:
        async with db.transaction():
            return await keys.rotate()

    print(run_async(work))
    return 0


def register(subparsers) -> None:
    group = subparsers.add_parser("keys", help="card signing keys")
    sub = group.add_subparsers(dest="keys_command", required=True)
    sub.add_parser("rotate", help="create a new signing key and make it active").set_defaults(func=_rotate)
