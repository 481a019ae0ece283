from backend.apps import domain_app

APP_CONFIG = domain_app("issues", [], depends_on=("orgs",))
