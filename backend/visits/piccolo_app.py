from backend.apps import domain_app

APP_CONFIG = domain_app("visits", [], depends_on=("orgs",))
