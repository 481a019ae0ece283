"""Covering indexes for the report aggregates on the tables they read (issues, visits, cards,
redemptions), so PostgreSQL answers a period's figures from an index-only scan instead of
visiting every row's page. PostgreSQL only: SQLite has no INCLUDE, and its embedded scale does
not need them (the plain indexes on reported_at / visited_at / at serve it)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from backend.orgs.tables import Enterprise

ID = "2026-11-27T22:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering indexes for reports"

INDEXES = [
    "CREATE INDEX IF NOT EXISTS issues_report_cover ON issues (reported_at) INCLUDE "
    "(district, disposition, status, due_at, resolved_at, satisfied, department_id, assigned_at, first_response_at)",
    "CREATE INDEX IF NOT EXISTS visits_report_cover ON visits (visited_at) INCLUDE "
    "(district, enterprise_id, leader_id, chamber_id, financing_fen, hires_helped)",
    "CREATE INDEX IF NOT EXISTS card_redemptions_report_cover ON card_redemptions (at) INCLUDE (service, service_point_id)",
    "CREATE INDEX IF NOT EXISTS cards_report_cover ON cards (enterprise_id) INCLUDE (status, valid_until, issued_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reports", description=DESCRIPTION)

    async def create_indexes():
        from piccolo.engine.postgres import PostgresEngine

        if isinstance(Enterprise._meta.db, PostgresEngine):
            for sql in INDEXES:
                await Enterprise.raw(sql)

    manager.add_raw(create_indexes)
    return manager
