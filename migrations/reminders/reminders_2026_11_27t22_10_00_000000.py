"""Indexes Piccolo cannot declare: the exactly-once key of a reminder, and the outbox's due scan."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from backend.reminders.tables import SentReminder

ID = "2026-11-27T22:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (rule, subject_id, occasion) on sent_reminders; outbox and inbox indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)

    async def create_indexes():
        for statement in (
            "CREATE UNIQUE INDEX IF NOT EXISTS sent_reminders_key ON sent_reminders (rule, subject_id, occasion)",
            "CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_try_at)",
            "CREATE INDEX IF NOT EXISTS notifications_inbox ON notifications (user_id, read_at)",
        ):
            await SentReminder.raw(statement)

    manager.add_raw(create_indexes)
    return manager
