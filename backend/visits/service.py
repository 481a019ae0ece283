"""The visits domain's face for other domains: what they may call.

Visits live in `visit_log.py`, photos in `photos.py`, chamber plans in `plans.py`, overdue
assignments in `overdue.py`, the figures reports count in `report.py`; this module re-exports
what other domains use, so they depend on one name. Assignments are their own domain
(`backend.assignments`).
"""

from backend.visits.overdue import assignments_due_for_visit
from backend.visits.plans import completed_counts, plan_progress

__all__ = [
    "assignments_due_for_visit",
    "completed_counts",
    "plan_progress",
]
