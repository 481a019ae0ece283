"""Constraints Piccolo cannot declare: one non-revoked card per holder; status-list slots never shared."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from backend.cards.tables import Card

ID = "2026-11-27T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "partial unique (holder_id) on live cards; unique (status_list, status_idx)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cards", description=DESCRIPTION)

    async def create_indexes():
        await Card.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS cards_one_live_card_per_holder "
            "ON cards (holder_id) WHERE status <> 'revoked'"
        )
        await Card.raw("CREATE UNIQUE INDEX IF NOT EXISTS cards_status_slot ON cards (status_list, status_idx)")

    manager.add_raw(create_indexes)
    return manager
