"""Composite indexes Piccolo cannot declare: the review queue and reminders read unresolved
issues by status and deadline; each issue's history is read in time order."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from backend.issues.tables import Issue

ID = "2026-11-27T22:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite indexes on issues and issue_events"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="issues", description=DESCRIPTION)

    async def create_indexes():
        await Issue.raw("CREATE INDEX IF NOT EXISTS issues_status_due_at ON issues (status, due_at)")
        await Issue.raw("CREATE INDEX IF NOT EXISTS issues_enterprise_status ON issues (enterprise_id, status)")
        await Issue.raw("CREATE INDEX IF NOT EXISTS issue_events_issue_at ON issue_events (issue_id, at, id)")

    manager.add_raw(create_indexes)
    return manager
