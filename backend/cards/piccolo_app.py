from backend.cards.tables import TABLES
from backend.platform.apps import domain_app

APP_CONFIG = domain_app("cards", TABLES, depends_on=("orgs",))
