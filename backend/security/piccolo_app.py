from backend.apps import domain_app
from backend.security.tables import LoginFailure, RefreshToken

APP_CONFIG = domain_app("security", [RefreshToken, LoginFailure], depends_on=("orgs",))
