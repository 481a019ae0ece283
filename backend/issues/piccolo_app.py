from backend.apps import domain_app
from backend.issues.tables import Issue, IssueEvent

APP_CONFIG = domain_app("issues", [Issue, IssueEvent], depends_on=("orgs",))
