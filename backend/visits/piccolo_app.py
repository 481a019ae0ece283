from backend.assignments.tables import Assignment, AssignmentMember  # created by this app's migrations
from backend.platform.apps import domain_app
from backend.visits.tables import ChamberPlan, Visit, VisitPhoto

APP_CONFIG = domain_app("visits", [Assignment, AssignmentMember, Visit, VisitPhoto, ChamberPlan], depends_on=("orgs",))
