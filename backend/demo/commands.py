"""CLI: `python -m backend demo-data [--scale S]`."""

from __future__ import annotations

import argparse

from backend.demo import load as demo
from backend.platform.db import run_async
from backend.platform.migrate import migrate


def _demo(args: argparse.Namespace) -> int:
    async def work() -> None:
        await migrate()
        await demo.load(scale=args.scale)

    run_async(work)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("demo-data", help="load a realistic demo city (idempotent)")
    cmd.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="size of the city (1.0: about 300 enterprises and 100 cards; 0.1 for a quick try)",
    )
    cmd.set_defaults(func=_demo)
