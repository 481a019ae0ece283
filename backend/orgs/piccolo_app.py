from backend.orgs.tables import Chamber, Department, Enterprise, ServicePoint, User
from backend.platform.apps import domain_app

APP_CONFIG = domain_app("orgs", [Department, Enterprise, ServicePoint, Chamber, User])
