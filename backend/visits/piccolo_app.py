from backend.platform.apps import domain_app
from backend.visits.tables import Assignment, AssignmentMember, ChamberPlan, Visit, VisitPhoto

APP_CONFIG = domain_app("visits", [Assignment, AssignmentMember, Visit, VisitPhoto, ChamberPlan], depends_on=("orgs",))
