"""The Spark jobs and stages of one statement, read from Spark's status tracker.

The gateway serves them at ``GET /sessions/{id}/statements/{sid}/jobs`` (an extension of Livy's API),
so clients can show live job, stage and task progress under a cell. The JVM's Java status tracker is
used rather than PySpark's, because only it tells when a stage was submitted.

Shape of one job (JSON, Livy's camelCase)::

    {"jobId": 3, "status": "RUNNING", "submissionTime": 1700000000000 | null,
     "stages": [{"stageId": 5, "name": "count at <stdin>:1", "status": "active",
                 "numTasks": 8, "numActiveTasks": 2, "numCompletedTasks": 5, "numFailedTasks": 0,
                 "submissionTime": 1700000000000 | null}]}

A stage's ``status`` is ``pending`` (nothing ran yet; in a finished job: skipped, its output reused),
``active`` or ``complete``. The tracker forgets old jobs (``spark.ui.retainedJobs``), so a statement
running thousands of jobs reports the most recent :data:`MAX_JOBS`.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["MAX_JOBS", "statement_jobs"]

MAX_JOBS: Final = 100
"""The most jobs reported for one statement (the latest ones)."""


def _time(value: Any) -> int | None:
    """A JVM epoch-millisecond time; the tracker reports -1 or 0 for "not yet"."""
    try:
        millis = int(value)
    except (TypeError, ValueError):
        return None
    return millis if millis > 0 else None


def _stage(info: Any, stage_id: int) -> dict[str, Any]:
    if info is None:
        return {
            "stageId": stage_id,
            "name": "",
            "status": "pending",
            "numTasks": 0,
            "numActiveTasks": 0,
            "numCompletedTasks": 0,
            "numFailedTasks": 0,
            "submissionTime": None,
        }
    tasks, active, completed = int(info.numTasks()), int(info.numActiveTasks()), int(info.numCompletedTasks())
    status = "complete" if tasks and completed >= tasks else "active" if active or completed else "pending"
    return {
        "stageId": stage_id,
        "name": str(info.name()),
        "status": status,
        "numTasks": tasks,
        "numActiveTasks": active,
        "numCompletedTasks": completed,
        "numFailedTasks": int(info.numFailedTasks()),
        "submissionTime": _time(info.submissionTime()),
    }


def statement_jobs(spark_context: Any, group: str) -> list[dict[str, Any]]:
    """The jobs of a Spark job group, oldest first, each with its stages.

    :param spark_context: the session's ``SparkContext``.
    :param group: the statement's job group (see :func:`.main.job_group`).
    :return: JSON-ready jobs (see the module docstring); jobs the tracker no longer knows are left out.
    """
    tracker = spark_context._jsc.statusTracker()  # JavaSparkStatusTracker: has stage submission times
    jobs = []
    for job_id in sorted(int(j) for j in tracker.getJobIdsForGroup(group))[-MAX_JOBS:]:
        job = tracker.getJobInfo(job_id)
        if job is None:
            continue
        stages = [
            _stage(tracker.getStageInfo(int(s)), int(s)) for s in sorted(int(s) for s in job.stageIds())
        ]
        times = [stage["submissionTime"] for stage in stages if stage["submissionTime"] is not None]
        jobs.append(
            {
                "jobId": job_id,
                "status": str(job.status().toString()),
                "submissionTime": min(times) if times else None,
                "stages": stages,
            }
        )
    return jobs
