"""One history entry per issue version: two writes from the same version cannot both be recorded."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from backend.issues.tables import IssueEvent

ID = "2026-11-27T22:17:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (issue_id, version) on issue_events"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="issues", description=DESCRIPTION)

    async def create_index():
        await IssueEvent.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS issue_events_issue_version ON issue_events (issue_id, version)"
        )

    manager.add_raw(create_index)
    return manager
