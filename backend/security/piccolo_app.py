from backend.apps import domain_app
from backend.security.tables import IdempotencyRecord, LoginFailure, RefreshToken

APP_CONFIG = domain_app("security", [RefreshToken, LoginFailure, IdempotencyRecord], depends_on=("orgs",))
