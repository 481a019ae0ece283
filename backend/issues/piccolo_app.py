from backend.issues.tables import Issue, IssueEvent
from backend.platform.apps import domain_app

APP_CONFIG = domain_app("issues", [Issue, IssueEvent], depends_on=("orgs",))
