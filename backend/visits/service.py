"""The visits domain's face for other domains: what they may call.

Assignments live in `assignments.py`, visits in `visit_log.py`, photos in `photos.py`, chamber
plans in `plans.py`; this module re-exports the functions other domains use.
"""

from backend.visits.assignments import active_assignment, assigned_enterprise_ids, assignments_due_for_visit

__all__ = ["active_assignment", "assigned_enterprise_ids", "assignments_due_for_visit"]
