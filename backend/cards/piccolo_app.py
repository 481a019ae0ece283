from backend.apps import domain_app

APP_CONFIG = domain_app("cards", [], depends_on=("orgs",))
