from backend.apps import domain_app
from backend.orgs.tables import Chamber, Department, Enterprise, ServicePoint, User

APP_CONFIG = domain_app("orgs", [Department, Enterprise, ServicePoint, Chamber, User])
