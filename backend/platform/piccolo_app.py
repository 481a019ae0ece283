from backend.platform.apps import domain_app
from backend.platform.tables import OutboxEvent

APP_CONFIG = domain_app("platform", [OutboxEvent])
