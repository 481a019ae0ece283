from backend.apps import domain_app

APP_CONFIG = domain_app("reminders", [], depends_on=("orgs", "cards", "visits", "issues"))
