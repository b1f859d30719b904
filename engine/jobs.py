"""A statement's Spark jobs and stages, as sparkwire's gateway reports them, and their text and HTML.

``GET /sessions/{id}/statements/{sid}/jobs`` is the gateway's extension of Livy's statement resource
(jobs from Spark's status tracker); a real Livy answers 404, and :func:`fetch_statement_jobs` returns
``None`` so the caller falls back to Livy's ``progress``. Durations are measured on this side (first
seen to last seen running), so clock differences with the cluster do not matter.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sparkwire.livy import LivyClient, LivyError

from .progress import format_duration

__all__ = [
    "JobProgress",
    "StageProgress",
    "fetch_statement_jobs",
    "jobs_html",
    "jobs_summary",
    "jobs_text",
]

_BAR: Final = 20
_NAME: Final = 40


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    return int(value) if isinstance(value, int | float) else 0


@dataclass(frozen=True)
class StageProgress:
    """One stage of a job.

    :param stage_id: Spark's stage id.
    :param name: e.g. ``"count at <stdin>:3"``.
    :param status: ``pending`` (or skipped, in a finished job), ``active`` or ``complete``.
    :param tasks: the stage's tasks.
    :param active: running tasks.
    :param completed: completed tasks.
    :param failed: failed task attempts.
    """

    stage_id: int
    name: str
    status: str
    tasks: int
    active: int
    completed: int
    failed: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StageProgress:
        """:param data: a stage as the gateway sends it. :return: the stage."""
        return cls(
            _int(data, "stageId"),
            str(data.get("name") or ""),
            str(data.get("status") or "pending"),
            _int(data, "numTasks"),
            _int(data, "numActiveTasks"),
            _int(data, "numCompletedTasks"),
            _int(data, "numFailedTasks"),
        )


@dataclass(frozen=True)
class JobProgress:
    """One Spark job of a statement.

    :param job_id: Spark's job id.
    :param status: ``RUNNING``, ``SUCCEEDED``, ``FAILED`` or ``UNKNOWN``.
    :param stages: its stages, by id.
    """

    job_id: int
    status: str
    stages: tuple[StageProgress, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JobProgress:
        """:param data: a job as the gateway sends it. :return: the job."""
        stages = data.get("stages")
        return cls(
            _int(data, "jobId"),
            str(data.get("status") or "UNKNOWN"),
            tuple(StageProgress.from_json(s) for s in stages if isinstance(s, Mapping))
            if isinstance(stages, list)
            else (),
        )

    @property
    def tasks(self) -> int:
        """Tasks of the stages that run (a skipped stage's tasks never do)."""
        return sum(s.tasks for s in self.stages if not self._skipped(s))

    @property
    def completed(self) -> int:
        """Completed tasks."""
        return sum(s.completed for s in self.stages)

    @property
    def failed(self) -> int:
        """Failed task attempts."""
        return sum(s.failed for s in self.stages)

    @property
    def running(self) -> bool:
        """Whether the job still runs."""
        return self.status == "RUNNING"

    def _skipped(self, stage: StageProgress) -> bool:
        return not self.running and stage.status == "pending"


def fetch_statement_jobs(client: LivyClient, session_id: int, statement_id: int) -> list[JobProgress] | None:
    """Ask the server for a statement's jobs.

    :param client: the client of the session's endpoint.
    :param session_id: the session.
    :param statement_id: the statement.
    :return: the jobs, oldest first; ``None`` when the server does not offer them (a real Livy) or the
        request failed.
    """
    try:
        answer = client.transport.request(
            "GET",
            f"/sessions/{int(session_id)}/statements/{int(statement_id)}/jobs",
            idempotent=True,
            timeout=5.0,
        )
    except LivyError:
        return None
    body = answer.body
    if not isinstance(body, Mapping) or not isinstance(body.get("jobs"), list):
        return None
    return [JobProgress.from_json(job) for job in body["jobs"] if isinstance(job, Mapping)]


def _bar(done: int, total: int, width: int = _BAR) -> str:
    filled = round(width * done / total) if total else 0
    return "[" + "#" * filled + "." * (width - filled) + "]"


def _clip(text: str, width: int = _NAME) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _tasks_note(active: int, failed: int) -> str:
    notes = [f"{active} running"] if active else []
    if failed:
        notes.append(f"{failed} failed")
    return f" ({', '.join(notes)})" if notes else ""


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class _Row:
    """One line of the live view, a job (``stage`` None) or one of its stages: what text and HTML draw."""

    job: JobProgress
    stage: StageProgress | None
    state: str
    done: int
    total: int
    active: int
    note: str  # e.g. " (2 running, 1 failed)"


def _rows(jobs: Sequence[JobProgress]) -> Iterator[_Row]:
    for job in jobs:
        yield _Row(job, None, job.status, job.completed, job.tasks, 0, _tasks_note(0, job.failed))
        for stage in job.stages:
            yield _Row(
                job,
                stage,
                "skipped" if job._skipped(stage) else stage.status,
                stage.completed,
                stage.tasks,
                stage.active,
                _tasks_note(stage.active, stage.failed),
            )


def jobs_text(jobs: Sequence[JobProgress], durations: Mapping[int, float], *, headline: str) -> str:
    """The live view as text: a headline, then each job and its stages with task bars.

    :param jobs: the jobs.
    :param durations: seconds each job has run, by job id.
    :param headline: the first line, e.g. ``"Spark: statement 5 running, 12 s"``.
    :return: the text.
    """
    lines = [headline]
    for row in _rows(jobs):
        job, stage = row.job, row.stage
        if stage is None:
            lines.append(
                f"  job {job.job_id} {row.state:<9} {format_duration(durations.get(job.job_id, 0.0)):>9}  "
                f"{_bar(row.done, row.total)} {row.done}/{row.total} tasks{row.note}"
            )
        else:
            lines.append(
                f"    stage {stage.stage_id:<4} {_clip(stage.name):<{_NAME}} {row.state:<8} "
                f"{_bar(row.done, row.total, 10)} {row.done}/{row.total}{row.note}"
            )
    return "\n".join(lines)


_COLOURS: Final = {"RUNNING": "#1976d2", "SUCCEEDED": "#388e3c", "FAILED": "#d32f2f"}


def _html_bar(done: int, total: int, active: int, colour: str) -> str:
    percent = 100 * done / total if total else 0
    running = 100 * active / total if total else 0
    return (
        '<div style="display:inline-block;width:12em;height:0.8em;background:#e0e0e0;vertical-align:middle;'
        'border-radius:2px;overflow:hidden">'
        f'<div style="float:left;height:100%;width:{percent:.1f}%;background:{colour}"></div>'
        f'<div style="float:left;height:100%;width:{running:.1f}%;background:{colour};opacity:0.4"></div></div>'
    )


def jobs_html(jobs: Sequence[JobProgress], durations: Mapping[int, float], *, headline: str) -> str:
    """The live view as an HTML table (for a widget): jobs, then their stages, with task bars.

    :param jobs: the jobs.
    :param durations: seconds each job has run, by job id.
    :param headline: the caption.
    :return: the markup (names escaped).
    """
    rows = []
    for row in _rows(jobs):
        job, stage = row.job, row.stage
        colour = _COLOURS.get(job.status, "#757575")
        bar = f"<td>{_html_bar(row.done, row.total, row.active, colour)}</td>"
        count = f"<td>{row.done}/{row.total}{html.escape(row.note)}</td></tr>"
        if stage is None:
            rows.append(
                f"<tr><td><b>job {job.job_id}</b></td><td style='color:{colour}'>{html.escape(row.state)}</td>"
                f"<td>{format_duration(durations.get(job.job_id, 0.0))}</td>{bar}{count}"
            )
        else:
            rows.append(
                f"<tr><td style='padding-left:1.5em'>stage {stage.stage_id}</td>"
                f"<td>{html.escape(row.state)}</td><td>{html.escape(_clip(stage.name))}</td>{bar}{count}"
            )
    return (
        f'<div class="sparkwire-jobs"><div>{html.escape(headline)}</div>'
        f'<table style="font-size:90%">{"".join(rows)}</table></div>'
    )


def jobs_summary(jobs: Sequence[JobProgress], elapsed: float, statement_id: int) -> str:
    """One line for a finished statement, e.g. ``"Spark: 2 jobs, 3 stages, 16 tasks in 4 s (statement 5)"``.

    :param jobs: the statement's jobs.
    :param elapsed: seconds the statement ran.
    :param statement_id: the statement.
    :return: the line.
    """
    stages = sum(1 for job in jobs for stage in job.stages if not job._skipped(stage))
    tasks = sum(job.tasks for job in jobs)
    failed = sum(job.failed for job in jobs)
    failed_jobs = sum(1 for job in jobs if job.status == "FAILED")
    notes = [_plural(failed, "failed task")] if failed else []
    if failed_jobs:
        notes.append(_plural(failed_jobs, "failed job"))
    tail = f"; {', '.join(notes)}" if notes else ""
    return (
        f"Spark: {_plural(len(jobs), 'job')}, {_plural(stages, 'stage')}, {_plural(tasks, 'task')} in "
        f"{format_duration(elapsed)}{tail} (statement {statement_id})"
    )
