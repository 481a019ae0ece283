from backend.apps import domain_app
from backend.security.tables import IdempotencyRecord, LoginFailure, LoginThrottleKey, RefreshToken

APP_CONFIG = domain_app(
    "security", [RefreshToken, LoginFailure, LoginThrottleKey, IdempotencyRecord], depends_on=("orgs",)
)
