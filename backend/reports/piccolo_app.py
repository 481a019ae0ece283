from backend.platform.apps import domain_app

# No tables of its own: reports read the other domains' tables. The app exists for the
# migration that adds the indexes those aggregates need on the other domains' tables.
APP_CONFIG = domain_app("reports", [], depends_on=("orgs", "cards", "visits", "issues"))
