from backend.apps import domain_app
from backend.cards.tables import TABLES

APP_CONFIG = domain_app("cards", TABLES, depends_on=("orgs",))
