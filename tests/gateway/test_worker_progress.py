"""The session process's progress reporter: one thread for all statements, final jobs sent last.

Its collaborators are plain functions here (the events it sends, the jobs it is told); the real
reporter runs in every gateway test that shows progress (tests/gateway/test_statements.py).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sparkwire.gateway.worker.progress import ProgressReporter


def _job(done: int) -> list[dict[str, Any]]:
    return [{"jobId": 0, "status": "RUNNING", "stages": [{"numTasks": 4, "numCompletedTasks": done}]}]


class _Recorder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.done = 0

    def send(self, event: dict[str, Any]) -> None:
        with self.lock:
            self.events.append(event)

    def jobs_of(self, statement_id: int) -> list[dict[str, Any]]:
        return _job(self.done)

    def wait_for(self, predicate: Any) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with self.lock:
                if predicate(self.events):
                    return
            time.sleep(0.005)
        raise AssertionError(f"no such events: {self.events}")


def test_progress_while_running_and_the_final_jobs_last() -> None:
    recorder = _Recorder()
    reporter = ProgressReporter(recorder.send, recorder.jobs_of, interval=0.01)
    reporter.begin(7)
    recorder.done = 2
    recorder.wait_for(lambda events: {"ev": "progress", "id": 7, "progress": 0.5} in events)
    recorder.done = 4
    reporter.finish()
    with recorder.lock:
        final = list(recorder.events)
    assert final[-1] == {"ev": "jobs", "id": 7, "jobs": _job(4)}
    time.sleep(0.1)  # ten ticks' time: nothing more comes for a finished statement
    assert recorder.events == final


def _progress_threads() -> set[int | None]:
    return {t.ident for t in threading.enumerate() if t.name == "sparkwire-progress"}


def test_one_thread_serves_every_statement() -> None:
    before = _progress_threads()  # other tests' reporters live on (daemon threads)
    recorder = _Recorder()
    reporter = ProgressReporter(recorder.send, recorder.jobs_of, interval=0.01)
    seen = []
    for statement in (1, 2, 3):
        reporter.begin(statement)
        recorder.wait_for(lambda events, s=statement: any(e["id"] == s for e in events))
        seen.append(_progress_threads() - before)
        reporter.finish()
    assert len(seen[0]) == 1 and seen[0] == seen[1] == seen[2]


def test_finish_without_begin_sends_nothing() -> None:
    recorder = _Recorder()
    ProgressReporter(recorder.send, recorder.jobs_of).finish()
    assert recorder.events == []


def test_a_quick_statement_after_another_waits_for_no_report() -> None:
    """The next statement's start must not wake the thread into a report at once: its py4j calls (and
    finish() waiting for them) made every quick cell run after another slower."""
    recorder = _Recorder()
    asked: list[str] = []

    def jobs_of(statement_id: int) -> list[dict[str, Any]]:
        asked.append(threading.current_thread().name)
        return recorder.jobs_of(statement_id)

    reporter = ProgressReporter(recorder.send, jobs_of, interval=30.0)
    for statement in (1, 2, 3):
        reporter.begin(statement)
        time.sleep(0.05)  # the thread is now waiting out the interval
        reporter.finish()
    assert "sparkwire-progress" not in asked
    assert len(asked) == 3  # finish() reported each statement's final jobs itself


def test_finish_looks_nothing_up_when_no_job_started() -> None:
    recorder = _Recorder()
    asked: list[int] = []

    def jobs_of(statement_id: int) -> list[dict[str, Any]]:
        asked.append(statement_id)
        return recorder.jobs_of(statement_id)

    reporter = ProgressReporter(recorder.send, jobs_of, interval=30.0)
    reporter.begin(1)
    reporter.finish(jobs_started=False)
    assert asked == [] and recorder.events == []
    reporter.begin(2)
    reporter.finish(jobs_started=True)  # a job ran: its final jobs are looked up and sent
    assert asked == [2] and recorder.events == [{"ev": "jobs", "id": 2, "jobs": _job(0)}]
