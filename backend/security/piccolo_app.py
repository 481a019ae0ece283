from backend.platform.apps import domain_app
from backend.platform.tables import IdempotencyRecord  # its migration history lives in this app
from backend.security.tables import LoginFailure, LoginThrottleKey, RefreshToken

APP_CONFIG = domain_app(
    "security", [RefreshToken, LoginFailure, LoginThrottleKey, IdempotencyRecord], depends_on=("orgs",)
)
