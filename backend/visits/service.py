"""The visits domain's face for other domains: what they may call.

Assignments live in `assignments.py`, visits in `visit_log.py`, photos in `photos.py`, chamber
plans in `plans.py`, report figures in `figures.py`; this module re-exports what other domains
use, so they depend on one name.
"""

from backend.visits.assignments import active_assignment, assigned_enterprise_ids, assignments_due_for_visit
from backend.visits.figures import VisitTotals, visit_totals
from backend.visits.plans import completed_counts, plan_progress, year_bounds

__all__ = [
    "VisitTotals",
    "active_assignment",
    "assigned_enterprise_ids",
    "assignments_due_for_visit",
    "completed_counts",
    "plan_progress",
    "visit_totals",
    "year_bounds",
]
