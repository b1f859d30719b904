"""Reports the running statement's Spark jobs and task progress to the gateway while it runs.

One thread for the session's whole life, rather than one per statement: py4j gives every Python thread
its own connection to the JVM, so a thread per statement paid for a new connection (and made the
statement wait for it) on every cell, even ``1 + 1``. The final report of a statement's jobs is made
by the statement's own thread in :meth:`ProgressReporter.finish`, before its result goes out, so the
gateway holds a finished statement's jobs as they ended when it marks the statement available.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["ProgressReporter"]

Jobs = list[dict[str, Any]]


class ProgressReporter:
    """Sends ``jobs`` and ``progress`` events for the statement between :meth:`begin` and :meth:`finish`.

    :param send: sends one event to the gateway.
    :param jobs_of: the jobs of a statement (by id), as :func:`.jobs.statement_jobs` lists them.
    :param interval: seconds between reports while a statement runs.
    """

    def __init__(
        self, send: Callable[[dict[str, Any]], None], jobs_of: Callable[[int], Jobs], interval: float = 0.2
    ) -> None:
        self._send = send
        self._jobs_of = jobs_of
        self._interval = interval
        self._lock = threading.Lock()  # guards the fields below; held while an event is sent
        self._wake = threading.Condition(self._lock)
        self._tick = threading.Lock()  # held for a whole report, so finish() can wait one out
        self._statement: int | None = None
        self._last_jobs: Jobs = []
        self._last_progress = -1.0
        self._thread: threading.Thread | None = None

    def begin(self, statement_id: int) -> None:
        """Start reporting a statement (the thread starts with the first one)."""
        with self._wake:
            self._statement, self._last_jobs, self._last_progress = statement_id, [], -1.0
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sparkwire-progress", daemon=True)
                self._thread.start()
            self._wake.notify()

    def finish(self, jobs_started: bool = True) -> None:
        """Stop reporting the statement, and send its jobs once more if they changed since the last report.

        :param jobs_started: False when no Spark job at all was submitted while the statement ran: its
            job group then has no jobs, so there is nothing to look up (three py4j calls) or send.
        """
        with self._lock:
            statement, self._statement = self._statement, None
        if statement is None:
            return
        with self._tick:  # a report under way sees the statement is over and sends nothing
            with self._lock:
                if not jobs_started and not self._last_jobs:
                    return
            try:
                jobs = self._jobs_of(statement)
            except Exception:  # noqa: BLE001 - the tracker races with job completion; the last report stands
                return
            with self._lock:
                if jobs != self._last_jobs:
                    self._send({"ev": "jobs", "id": statement, "jobs": jobs})

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._statement is None:
                    self._wake.wait()
                statement = self._statement
                # Sleep out a whole interval for this statement. The notify of the next statement's begin()
                # ends the wait early: then its interval starts afresh, rather than a report going out at
                # once (which made every quick cell after another wait for a report's py4j calls).
                deadline = time.monotonic() + self._interval
                while self._statement == statement and (left := deadline - time.monotonic()) > 0:
                    self._wake.wait(left)
                if self._statement != statement:
                    continue
            with self._tick:
                self._report(statement)

    def _report(self, statement: int) -> None:
        try:
            jobs = self._jobs_of(statement)
        except Exception:  # noqa: BLE001 - the tracker races with job completion; the next tick retries
            return
        stages = [stage for job in jobs for stage in job["stages"]]
        total = sum(stage["numTasks"] for stage in stages)
        completed = sum(stage["numCompletedTasks"] for stage in stages)
        progress = round(completed / total, 4) if total else 0.0
        with self._lock:
            if self._statement != statement:
                return  # finished meanwhile: finish() sends the final jobs
            if jobs != self._last_jobs:
                self._last_jobs = jobs
                self._send({"ev": "jobs", "id": statement, "jobs": jobs})
            if progress != self._last_progress:
                self._last_progress = progress
                self._send({"ev": "progress", "id": statement, "progress": progress})
