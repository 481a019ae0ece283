"""python -m backend: serve, migrate, create-user, and the domains' own commands (`COMMANDS`)."""

from __future__ import annotations

import argparse
import sys

import msgspec
import uvicorn

from backend.cards import commands as cards_commands
from backend.demo import commands as demo_commands
from backend.ops import commands as ops_commands
from backend.ops.multiprocess import prepare
from backend.orgs import service
from backend.orgs.schemas import UserCreate
from backend.platform.actor import SYSTEM
from backend.platform.db import run_async
from backend.platform.errors import DomainError
from backend.platform.logs import configure
from backend.platform.migrate import migrate
from backend.platform.settings import settings
from backend.reminders import commands as reminders_commands

# Domains that add commands: each module has `register(subparsers)`.
COMMANDS = [cards_commands, reminders_commands, demo_commands, ops_commands]


def _migrate(_: argparse.Namespace) -> int:
    run_async(migrate)
    print(f"migrated {settings.database_url.split('@')[-1]}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    if not args.no_migrate:
        _migrate(args)
    prepare(args.workers)  # metrics of every worker in one scrape (before the workers start)
    configure(settings.log_level)
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # X-Forwarded-For is read inside the app, from TRUSTED_PROXIES only (security/network.py);
        # uvicorn's own handling would believe any local process.
        proxy_headers=False,
        log_level=settings.log_level.lower(),
        access_log=False,
        log_config=None,
    )
    return 0


def _create_user(args: argparse.Namespace) -> int:
    try:
        data = msgspec.convert(
            {
                "username": args.username,
                "password": args.password,
                "role": args.role,
                "district": args.district,
                "display_name": args.display_name or args.username,
                "enterprise_id": args.enterprise_id,
                "service_point_id": args.service_point_id,
                "department_id": args.department_id,
            },
            UserCreate,
        )
    except msgspec.ValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        user = run_async(lambda: service.create_user(data=data, actor=SYSTEM))
    except DomainError as exc:
        print(f"error: {exc.detail} ({exc.code})", file=sys.stderr)
        return 1
    print(user.id)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backend", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API (migrates first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-migrate", action="store_true", help="skip applying migrations")
    serve.set_defaults(func=_serve)

    sub.add_parser("migrate", help="apply migrations to DATABASE_URL").set_defaults(func=_migrate)

    user = sub.add_parser("create-user", help="create a user and print its id")
    user.add_argument("--username", required=True)
    user.add_argument("--password", required=True)
    user.add_argument(
        "--role", required=True, choices=["admin", "secretary", "leader", "department", "entrepreneur", "service_staff"]
    )
    user.add_argument("--district")
    user.add_argument("--display-name")
    user.add_argument("--enterprise-id")
    user.add_argument("--service-point-id")
    user.add_argument("--department-id")
    user.set_defaults(func=_create_user)

    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
