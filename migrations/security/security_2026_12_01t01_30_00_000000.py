"""Partial index for the revocation check: each process reads the chains revoked in the last
access-token lifetime every few seconds (backend/security/revocations.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from backend.security.tables import RefreshToken

ID = "2026-12-01T01:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index refresh_tokens (revoked_at) where revoked"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="security", description=DESCRIPTION)

    async def create_index():
        await RefreshToken.raw(
            "CREATE INDEX IF NOT EXISTS refresh_tokens_revoked_at "
            "ON refresh_tokens (revoked_at) WHERE revoked_at IS NOT NULL"
        )

    manager.add_raw(create_index)
    return manager
