"""The timetable's jobs log under their own names (APScheduler logs `Running job "<job>"`)."""

from __future__ import annotations

from backend.reminders import scheduler


def test_each_scheduled_job_is_named_after_its_function():
    jobs = scheduler.build(60).get_jobs()
    assert {job.name for job in jobs} == {job.__name__ for job in scheduler.JOBS}
    for job in jobs:
        # What APScheduler's executor prints for a run: the job's str().
        assert str(job).startswith(f"{job.id} (trigger: interval"), str(job)
        assert "<locals>" not in str(job) and job.func.__qualname__ == job.id
