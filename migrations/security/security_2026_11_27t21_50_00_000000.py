"""Composite unique index Piccolo cannot declare: one Idempotency-Key per user."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from backend.platform.tables import IdempotencyRecord

ID = "2026-11-27T21:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (user_id, key) on idempotency_records"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="security", description=DESCRIPTION)

    async def create_index():
        await IdempotencyRecord.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS idempotency_records_user_key ON idempotency_records (user_id, key)"
        )

    manager.add_raw(create_index)
    return manager
