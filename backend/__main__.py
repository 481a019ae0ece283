"""python -m backend: serve, migrate, create-user, and the domains' own commands."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from typing import Any, Awaitable, Callable

from backend import db
from backend.settings import settings

# Domains that add commands: each module has `register(subparsers)`.
DOMAIN_COMMANDS: list[str] = [
    "backend.cards.commands",
    "backend.reminders.commands",
    "backend.reports.commands",
    "backend.ops.commands",
]


def run_async(work: Callable[[], Awaitable[Any]]) -> Any:
    """Run `work` with the database open, then close it."""

    async def main() -> Any:
        await db.start()
        try:
            return await work()
        finally:
            await db.stop()

    return asyncio.run(main())


def _migrate(_: argparse.Namespace) -> int:
    from backend.migrate import migrate

    run_async(migrate)
    print(f"migrated {settings.database_url.split('@')[-1]}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if not args.no_migrate:
        _migrate(args)
    from backend.logs import configure
    from backend.ops.multiprocess import prepare

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
    import msgspec

    from backend.errors import DomainError
    from backend.orgs import service
    from backend.orgs.schemas import UserCreate
    from backend.security.schemas import Actor, Role

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
    system = Actor(id="00000000-0000-0000-0000-000000000000", username="cli", role=Role.ADMIN)
    try:
        user = run_async(lambda: service.create_user(data=data, actor=system))
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

    for module in DOMAIN_COMMANDS:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
