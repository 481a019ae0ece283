"""Constraints Piccolo cannot declare: one open assignment per enterprise (partial unique index),
one membership per (assignment, user), one chamber plan per (leader, chamber, year).
Partial indexes (`WHERE ended_at IS NULL`) work on SQLite and PostgreSQL alike."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from backend.assignments.tables import Assignment

ID = "2026-11-27T22:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique active assignment, team membership, chamber plan"

STATEMENTS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS assignments_one_active ON assignments (enterprise_id) WHERE ended_at IS NULL",
    "CREATE UNIQUE INDEX IF NOT EXISTS assignment_members_unique ON assignment_members (assignment_id, user_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS chamber_plans_unique ON chamber_plans (leader_id, chamber_id, year)",
    "CREATE INDEX IF NOT EXISTS visits_chamber_leader_time ON visits (chamber_id, leader_id, visited_at)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)

    async def create_indexes():
        for statement in STATEMENTS:
            await Assignment.raw(statement)

    manager.add_raw(create_indexes)
    return manager
