"""The live view under a running cell: its Spark jobs and stages where the server reports them, else a bar.

On sparkwire's gateway the view lists the statement's jobs and stages with task bars, durations and
failed tasks, updated at each poll; when the statement ends it collapses to one summary line
(:func:`.jobs.jobs_summary`), which stays in the notebook. On a real Livy (no jobs route) it is the
progress bar of :class:`.progress.StatementProgress`. Where widgets render the jobs are an ipywidgets
``HTML`` widget; elsewhere (nbclient, papermill) text updated in place by display id. Like the bar, the
view appears only once a statement has run for ``delay`` seconds.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import Any

from sparkwire.livy import Statement

from .config import ProgressMode
from .display import DisplaySink
from .jobs import JobProgress, jobs_html, jobs_summary, jobs_text
from .progress import Clock, LiveDisplay, StatementProgress, format_duration

__all__ = ["JobsFetcher", "StatementView"]

JobsFetcher = Callable[[int], "list[JobProgress] | None"]
"""Gets a statement's jobs by statement id; ``None`` when the server does not report jobs."""


class StatementView:
    """What a running statement shows; feed it each polled statement, then :meth:`close` it.

    :param sink: where to draw.
    :param fetch: reads the statement's jobs (see :func:`.jobs.fetch_statement_jobs`).
    :param mode: ``auto`` (widget if the sink renders widgets, else text), ``widget``, ``text`` or ``off``.
    :param delay: seconds before anything appears.
    :param min_interval: least seconds between two text updates.
    :param clock: the time source (tests pass a fake).
    """

    def __init__(
        self,
        sink: DisplaySink,
        fetch: JobsFetcher,
        *,
        mode: ProgressMode = "auto",
        delay: float = 0.5,
        min_interval: float = 0.25,
        clock: Clock = time.monotonic,
    ) -> None:
        self._sink = sink
        self._fetch = fetch
        self._mode = mode
        self._delay = delay
        self._min_interval = min_interval
        self._clock = clock
        self._start = clock()
        self._bar: StatementProgress | None = None
        self._jobs: list[JobProgress] = []
        self._first_seen: dict[int, float] = {}
        self._last_running: dict[int, float] = {}
        self._statement: Statement | None = None
        self._live = LiveDisplay(sink, mode, min_interval)
        self._widget: Any = None

    @property
    def shown(self) -> bool:
        """Whether the view (jobs or bar) is on screen."""
        return self._live.shown or (self._bar is not None and self._bar.shown)

    @property
    def jobs(self) -> list[JobProgress]:
        """The statement's jobs as last fetched (empty on a server without the jobs route)."""
        return list(self._jobs)

    def update(self, statement: Statement) -> None:
        """Refresh from a polled statement (a callback for ``wait_for_statement``).

        :param statement: the statement as last polled.
        """
        self._statement = statement
        if self._mode == "off":
            return
        if self._bar is not None:
            self._bar.update(statement)
            return
        now = self._clock()
        if not self._live.shown and now - self._start < self._delay:
            return
        if not self._refresh(statement.id, now):
            # No jobs route (a real Livy): the progress bar, shown at once since the delay has passed.
            self._bar = StatementProgress(
                self._sink, mode=self._mode, delay=0.0, min_interval=self._min_interval, clock=self._clock
            )
            self._bar.update(statement)
            return
        self._draw(statement, now)

    def _refresh(self, statement_id: int, now: float) -> bool:
        jobs = self._fetch(statement_id)
        if jobs is None:
            return bool(self._jobs)  # keep the last jobs through a failed request
        for job in jobs:
            self._first_seen.setdefault(job.job_id, now)
            if job.running or job.job_id not in self._last_running:
                self._last_running[job.job_id] = now
        self._jobs = jobs
        return True

    def _durations(self) -> dict[int, float]:
        return {job_id: self._last_running[job_id] - first for job_id, first in self._first_seen.items()}

    def _headline(self, statement: Statement, now: float) -> str:
        running = sum(1 for job in self._jobs if job.running)
        jobs = (
            f"{len(self._jobs)} job{'' if len(self._jobs) == 1 else 's'}, {running} running"
            if self._jobs
            else "no Spark job yet"
        )
        return f"Spark: statement {statement.id} {statement.state.value}, {format_duration(now - self._start)}: {jobs}"

    def _draw(self, statement: Statement, now: float) -> None:
        headline = self._headline(statement, now)
        text = jobs_text(self._jobs, self._durations(), headline=headline)
        if not self._live.shown:
            widget = self._make_widget() if self._live.wants_widget() else None
            if widget is not None:
                widget.value = jobs_html(self._jobs, self._durations(), headline=headline)
            self._live.show(text, now, widget)
        elif self._widget is not None:
            self._widget.value = jobs_html(self._jobs, self._durations(), headline=headline)
        else:
            self._live.update_text(text, now)

    def _make_widget(self) -> Any:
        try:
            import ipywidgets
        except ImportError:  # ipywidgets is a dependency, but a stripped environment may lack it
            return None
        self._widget = ipywidgets.HTML(value="")
        return self._widget

    def close(self) -> None:
        """End the view: the jobs collapse to one summary line; a bar, or a view without jobs, is removed."""
        if self._bar is not None:
            self._bar.close()
            return
        if self._widget is not None:
            self._widget.close()
            self._widget = None
        if not self._live.shown:
            return
        statement = self._statement
        if statement is not None:
            self._refresh(statement.id, self._clock())
        if not self._jobs or statement is None:
            self._live.clear()
            return
        line = jobs_summary(self._jobs, self._clock() - self._start, statement.id)
        self._live.leave(
            {
                "text/plain": line,
                "text/html": f"<div class='sparkwire-jobs-summary'>{html.escape(line)}</div>",
            }
        )
