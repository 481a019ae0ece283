"""Piccolo's configuration: the engine from DATABASE_URL and every domain's app."""

from piccolo.conf.apps import AppRegistry

from backend.platform.db import engine

DB = engine()

# Order matters only for readability; Piccolo resolves each app's migration_dependencies.
APP_REGISTRY = AppRegistry(
    apps=[
        "backend.platform.piccolo_app",
        "backend.orgs.piccolo_app",
        "backend.security.piccolo_app",
        "backend.cards.piccolo_app",
        "backend.visits.piccolo_app",
        "backend.issues.piccolo_app",
        "backend.reminders.piccolo_app",
        "backend.reports.piccolo_app",
    ]
)
