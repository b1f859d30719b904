"""The session process: one SparkSession, statements run one at a time.

Started by the gateway as ``python -m sparkwire.gateway.worker --fd N``. It speaks JSON lines over
the inherited socket ``N`` (see docs/architecture.md for the messages). Its stdout and stderr are the
session log, so every start-up failure is explained there.

Threads: the main thread runs statements (signals, and so cancellation, reach only it); a reader
thread takes messages off the socket, answers completion and handles cancel at once; a progress
thread reports Spark task progress of the running statement.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import socket
import sys
import threading
import time
import traceback
from types import FrameType
from typing import Any

from .subreaper import become_subreaper

__all__ = ["job_group", "main"]

# Above this a result is replaced by an error: the gateway and its clients hold outputs in memory.
DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024
# How long a session whose gateway vanished may take to stop Spark cleanly before it exits hard.
ORPHAN_GRACE_SECONDS = 15.0


def job_group(statement_id: int) -> str:
    """:return: the Spark job group a statement's jobs run in."""
    return f"sparkwire-stmt-{statement_id}"


class _Channel:
    """JSON lines over the socket; writes are serialised because three threads send."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._file = sock.makefile("rb")
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message, default=str) + "\n").encode()
        with self._lock:
            self._sock.sendall(data)

    def send_bytes(self, line: bytes) -> None:
        with self._lock:
            self._sock.sendall(line)

    def receive(self) -> dict[str, Any] | None:
        line = self._file.readline()
        if not line:
            return None
        parsed: dict[str, Any] = json.loads(line)
        return parsed


class _Running:
    """Which statement the main thread is running, and whether it was asked to stop."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statement_id: int | None = None
        self.cancel_requested = False
        self.cancelled_early: set[int] = set()


class Worker:
    """Owns the SparkSession and the interpreters for one Livy session."""

    def __init__(self, channel: _Channel, sql_max_rows: int, max_output_bytes: int) -> None:
        self._channel = channel
        self._sql_max_rows = sql_max_rows
        self._max_output_bytes = max_output_bytes
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._running = _Running()
        self._main_thread_id = threading.main_thread().ident
        self._armed = False  # True only while a statement's code runs: SIGINT may interrupt it then
        self.spark: Any = None
        self._repl: Any = None

    # -- start-up ------------------------------------------------------------------------------
    def start_spark(self) -> None:
        """Create the SparkSession from the spark-submit arguments the gateway put in the environment."""
        from pyspark.sql import SparkSession

        from .namespace import make_namespace
        from .repl import PythonRepl

        self.spark = SparkSession.builder.getOrCreate()
        self._repl = PythonRepl(make_namespace(self.spark))
        # PySpark installs its own SIGINT handler in SparkContext; ours interrupts only a cancelled statement.
        signal.signal(signal.SIGINT, self._on_sigint)
        sc = self.spark.sparkContext
        self._channel.send({"ev": "ready", "app_id": sc.applicationId, "spark_ui_url": sc.uiWebUrl})

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        # Reads one bool and takes no lock: a handler runs between bytecodes of the main thread,
        # which may hold any lock at that moment.
        if self._armed:
            raise KeyboardInterrupt

    # -- reader thread -------------------------------------------------------------------------
    def read_forever(self) -> None:
        """Take messages off the socket until it closes; then ask the main thread to exit."""
        while True:
            try:
                message = self._channel.receive()
            except (OSError, ValueError):
                message = None
            if message is None:
                self._orphaned()
                return
            op = message.get("op")
            if op == "ping":  # answered here, at once: a silent worker is stopped or wedged
                self._pong(message.get("seq"))
            elif op == "cancel":
                self._cancel(int(message["id"]))
            elif op == "complete":
                self._complete(message)
            else:
                self._inbox.put(message)

    def _pong(self, sequence: Any) -> None:
        try:
            self._channel.send({"ev": "pong", "seq": sequence})
        except OSError:
            pass  # the gateway is gone; the next receive sees it

    def _orphaned(self) -> None:
        """The gateway is gone (socket closed): nobody can reach this session any more, so stop.

        A running statement is cancelled; if the process is still alive after a grace period
        (user code ignoring the interrupt), it exits hard, taking its JVM with it.
        """
        print("sparkwire: the gateway closed the connection; stopping this session", file=sys.stderr, flush=True)
        self._inbox.put(None)
        with self._running.lock:
            running = self._running.statement_id
        if running is not None:
            self._cancel(running)
        threading.Timer(ORPHAN_GRACE_SECONDS, os._exit, args=(0,)).start()

    def _cancel(self, statement_id: int) -> None:
        with self._running.lock:
            if self._running.statement_id != statement_id:
                # Not started yet (its execute message may still wait in the inbox): remember, so it never runs.
                self._running.cancelled_early.add(statement_id)
                return
            self._running.cancel_requested = True
        if self.spark is not None:
            self.spark.sparkContext.cancelJobGroup(job_group(statement_id))
        # A signal delivered to the main thread also breaks out of pure-Python work and sleeps.
        if self._main_thread_id is not None:
            signal.pthread_kill(self._main_thread_id, signal.SIGINT)

    def _complete(self, message: dict[str, Any]) -> None:
        candidates: list[str] = []
        if self._repl is not None and message.get("kind", "pyspark") == "pyspark":
            code = str(message.get("code", ""))
            cursor = message.get("cursor")
            try:
                candidates = self._repl.complete(code, len(code) if cursor is None else int(cursor))
            except Exception:  # noqa: BLE001 - completion is best effort; never disturb the session
                candidates = []
        self._channel.send({"ev": "completion", "req": message.get("req"), "candidates": candidates})

    # -- progress thread -----------------------------------------------------------------------
    def _report_progress(self, statement_id: int, done: threading.Event) -> None:
        tracker = self.spark.sparkContext.statusTracker()
        last = -1.0
        while not done.wait(0.2):
            try:
                total = completed = 0
                for job_id in tracker.getJobIdsForGroup(job_group(statement_id)):
                    job = tracker.getJobInfo(job_id)
                    if job is None:
                        continue
                    for stage_id in job.stageIds:
                        stage = tracker.getStageInfo(stage_id)
                        if stage is not None:
                            total += stage.numTasks
                            completed += stage.numCompletedTasks
                progress = round(completed / total, 4) if total else 0.0
            except Exception:  # noqa: BLE001, S112 - the tracker races with job completion; next tick retries
                continue
            if progress != last:
                last = progress
                self._channel.send({"ev": "progress", "id": statement_id, "progress": progress})

    # -- main thread ---------------------------------------------------------------------------
    def serve(self) -> int:
        """Run statements until told to shut down or the gateway goes away.

        :return: the process exit code.
        """
        while True:
            message = self._inbox.get()
            if message is None or message.get("op") == "shutdown":
                return 0
            if message.get("op") == "execute":
                self._execute(int(message["id"]), str(message.get("kind", "pyspark")), str(message["code"]))

    def _execute(self, statement_id: int, kind: str, code: str) -> None:
        from .result import ExecutionResult

        with self._running.lock:
            if statement_id in self._running.cancelled_early:
                self._running.cancelled_early.discard(statement_id)
                self._channel.send({"ev": "cancelled", "id": statement_id})
                return
            self._running.statement_id = statement_id
            self._running.cancel_requested = False
        sc = self.spark.sparkContext
        sc.setJobGroup(job_group(statement_id), f"statement {statement_id}", interruptOnCancel=True)
        done = threading.Event()
        progress = threading.Thread(target=self._report_progress, args=(statement_id, done), daemon=True)
        progress.start()
        result: ExecutionResult | None = None
        self._armed = True
        try:
            try:
                # A cancel that came after the statement was marked running but before arming had its
                # signal ignored; it set the flag first, so checking once armed catches it. Any later
                # cancel finds the statement armed and interrupts it.
                if self._running.cancel_requested:
                    raise KeyboardInterrupt
                result = self._run(kind, code)
            finally:
                self._armed = False
        except KeyboardInterrupt:
            result = None
        self._armed = False
        done.set()
        with self._running.lock:
            cancelled = self._running.cancel_requested
            self._running.statement_id = None
            self._running.cancel_requested = False
        progress.join()
        if cancelled or result is None:
            self._channel.send({"ev": "cancelled", "id": statement_id})
            return
        self._send_result(statement_id, result)

    def _run(self, kind: str, code: str) -> Any:
        if kind == "sql":
            from .sql import run_sql

            return run_sql(self.spark, code, self._sql_max_rows)
        return self._repl.execute(code)

    def _send_result(self, statement_id: int, result: Any) -> None:
        from .result import ExecutionResult

        line = (json.dumps({"ev": "result", "id": statement_id, "output": result.to_output(statement_id)},
                           default=str) + "\n").encode()
        if len(line) > self._max_output_bytes:
            size_mb = len(line) / 1e6
            too_big = ExecutionResult.error(
                "OutputTooLarge",
                f"The statement's output is {size_mb:.1f} MB, over the gateway's limit of "
                f"{self._max_output_bytes / 1e6:.0f} MB. Reduce it (e.g. df.limit(n), or write large results "
                f"to storage); the session and its variables are unaffected.",
                [],
            )
            self._channel.send({"ev": "result", "id": statement_id, "output": too_big.to_output(statement_id)})
            return
        self._channel.send_bytes(line)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sparkwire.gateway.worker",
                                     description="A sparkwire gateway session process (started by the gateway).")
    parser.add_argument("--fd", type=int, required=True, help="inherited socket to the gateway")
    parser.add_argument("--sql-max-rows", type=int, default=1000)
    parser.add_argument("--max-output-bytes", type=int, default=DEFAULT_MAX_OUTPUT_BYTES)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the session process.

    :return: exit code: 0 after a requested shutdown, 1 when Spark failed to start.
    """
    args = _parse_args(argv)
    become_subreaper()
    channel = _Channel(socket.socket(fileno=args.fd))
    worker = Worker(channel, args.sql_max_rows, args.max_output_bytes)
    print(f"sparkwire: session process {os.getpid()} starting Spark "
          f"({os.environ.get('PYSPARK_SUBMIT_ARGS', 'default arguments')})", flush=True)
    reader = threading.Thread(target=worker.read_forever, name="sparkwire-reader", daemon=True)
    reader.start()
    started = time.monotonic()
    try:
        worker.start_spark()
    except BaseException as exc:  # noqa: BLE001 - any start-up failure must reach the log and the gateway
        traceback.print_exc()
        message = f"{type(exc).__name__}: {exc}".strip()
        print(f"sparkwire: Spark failed to start: {message}", file=sys.stderr, flush=True)
        try:
            channel.send({"ev": "failed", "error": message})
        except OSError:
            pass
        return 1
    print(f"sparkwire: Spark ready in {time.monotonic() - started:.1f}s", flush=True)
    code = worker.serve()
    try:
        worker.spark.stop()
    except Exception:  # noqa: BLE001 - stopping is best effort; the gateway kills the process group anyway
        traceback.print_exc()
    return code
