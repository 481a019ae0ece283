"""One Piccolo app per domain, each with its migrations in migrations/<domain>/."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig
from piccolo.table import Table

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def domain_app(name: str, tables: list[type[Table]], depends_on: tuple[str, ...] = ()) -> AppConfig:
    folder = MIGRATIONS / name
    folder.mkdir(parents=True, exist_ok=True)
    return AppConfig(
        app_name=name,
        migrations_folder_path=folder,
        table_classes=tables,
        migration_dependencies=[f"backend.{dep}.piccolo_app" for dep in depends_on],
    )
