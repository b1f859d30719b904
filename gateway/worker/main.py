"""The session process: one SparkSession, statements run one at a time.

Started by the gateway as ``python -m sparkwire.gateway.worker --socket PATH``. It listens there and
speaks JSON lines with the gateway (see docs/architecture.md for the messages, channel.py for how it
outlives a gateway crash). Its stdout and stderr are the session log, so every start-up failure is
explained there.

Threads: the main thread runs statements (signals, and so cancellation, reach only it); a reader
thread takes messages off the socket, answers completion and handles cancel at once; a progress
thread reports Spark task progress and the jobs and stages (:mod:`.jobs`) of the running statement.

Scala statements (:mod:`.scala`) run in the JVM on the thread py4j pairs with the main thread; they are
cancelled through their job group and a JVM interrupt, never a signal, which would break py4j's
exchange with the JVM mid-call.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shlex
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from .channel import GatewayChannel
from .progress import ProgressReporter
from .scala import CLASS_DIR_CONF
from .subreaper import become_subreaper

__all__ = ["SESSION_CONF_DEFAULTS", "conf_defaults", "job_group", "main", "submitted_conf"]

# Above this a result is replaced by an error: the gateway and its clients hold outputs in memory.
DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024
# How long a session whose gateway vanished may take to stop Spark cleanly before it exits hard.
ORPHAN_GRACE_SECONDS = 15.0
# A cancelled Scala statement gets this long to end through its job group alone, then is interrupted
# (again each period): an interrupt landing while the compiler reads its class path breaks it.
SCALA_INTERRUPT_AFTER_SECONDS = 1.0
SCALA_CANCEL_ATTEMPTS = 120
# The Scala REPL runs its warm-up lines once the session is ready and no statement has come for this
# long: a statement arriving mid-line waits for that line (tens of ms).
SCALA_WARM_UP_IDLE_SECONDS = 1.0
SCALA_WARM_UP_PATIENCE_SECONDS = 600.0  # a session busy this long after start gives up warming


SESSION_CONF_DEFAULTS = {"spark.ui.showConsoleProgress": "false"}
"""Spark settings a session gets unless its request or the gateway's ``spark_conf`` sets them: Spark's
console progress bars would flood the session log (clients show progress themselves)."""


def submitted_conf(submit_args: str) -> dict[str, str]:
    """The ``--conf`` settings in spark-submit arguments.

    :param submit_args: ``PYSPARK_SUBMIT_ARGS`` as the gateway wrote it (``--conf k=v`` pairs).
    """
    words = shlex.split(submit_args)
    pairs = [words[i + 1] for i, word in enumerate(words[:-1]) if word == "--conf"]
    pairs += [word.split("=", 1)[1] for word in words if word.startswith("--conf=")]
    return dict((pair.split("=", 1) + [""])[:2] for pair in pairs)


RESULTS_DIR_ENV = "SPARKWIRE_RESULTS_DIR"


def conf_defaults(submit_args: str) -> dict[str, str]:
    """The :data:`SESSION_CONF_DEFAULTS` that the spark-submit arguments do not set.

    :param submit_args: ``PYSPARK_SUBMIT_ARGS`` as the gateway wrote it (``--conf k=v`` pairs).
    :return: the settings to give the SparkSession builder.
    """
    given = submitted_conf(submit_args)
    return {key: value for key, value in SESSION_CONF_DEFAULTS.items() if key not in given}


def job_group(statement_id: int) -> str:
    """:return: the Spark job group a statement's jobs run in."""
    return f"sparkwire-stmt-{statement_id}"


class _Running:
    """Which statement the main thread is running, and whether it was asked to stop."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statement_id: int | None = None
        self.kind = ""
        self.cancel_requested = False
        self.cancelled_early: set[int] = set()
        self.idle_since = time.monotonic()  # when the last statement ended


class _ScalaStart(threading.Thread):
    """Creates the Scala REPL and compiles its bindings beside the SparkContext start, then warms it up.

    :attr:`ready` is set once the REPL can run statements (or failed: :attr:`error`). The thread then runs
    warm-up lines one at a time, each only when ``may_warm`` allows it (it returns False to stop), until the
    REPL has compiled :data:`~.scala.WARM_UP_COMPILES` lines, the user's included.
    """

    def __init__(self, jvm: Any, class_dir: Path, may_warm: Callable[[], bool]) -> None:
        super().__init__(name="sparkwire-scala-start", daemon=True)
        self._jvm = jvm
        self._class_dir = class_dir
        self._may_warm = may_warm
        self.ready = threading.Event()
        self.repl: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        from .scala import WARM_UP_COMPILES, WARM_UP_LINES, ScalaRepl

        try:
            repl = ScalaRepl(self._jvm, self._class_dir)
            repl.start()
            self.repl = repl
        except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread, which reports start failures
            self.error = exc
            return
        finally:
            self.ready.set()
        warmed = 0
        for attempt in range(2 * WARM_UP_COMPILES):  # bounded: a busy REPL skips a line
            if not self._may_warm() or repl.compiled >= WARM_UP_COMPILES:  # the user's lines count
                break
            try:
                warmed += repl.warm_up(WARM_UP_LINES[attempt % len(WARM_UP_LINES)])
            except Exception:  # noqa: BLE001 - warming is an optimisation; the JVM may be stopping
                break
        # To the log, never into a running statement's captured output.
        print(
            f"sparkwire: Scala warm-up ran {warmed} lines ({repl.compiled} compiled in all)",
            file=sys.__stderr__,
            flush=True,
        )


class Worker:
    """Owns the SparkSession and the interpreters for one Livy session."""

    def __init__(
        self,
        channel: GatewayChannel,
        sql_max_rows: int,
        max_output_bytes: int,
        spill: tuple[Path, int] | None = None,
        eager_scala: bool = False,
    ) -> None:
        self._channel = channel
        self._eager_scala = eager_scala  # a ``spark`` session: its Scala REPL starts before it is idle
        self._sql_max_rows = sql_max_rows
        self._max_output_bytes = max_output_bytes
        self._spill = spill  # (directory, size in bytes): outputs above the size go to a file there
        self._ready_event: dict[str, Any] | None = None
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._running = _Running()
        self._progress = ProgressReporter(channel.send, self._statement_jobs)
        self._main_thread_id = threading.main_thread().ident
        self._armed = False  # True only while a statement's code runs: SIGINT may interrupt it then
        self._job_group_of: int | None = None  # the statement whose job group the main thread has set
        self._jobs_before: int | None = None  # Spark's count of submitted jobs when that group was set
        self._dag_scheduler: Any = None  # the JVM's DAGScheduler, which counts the jobs (_jobs_submitted)
        self.spark: Any = None
        self._repl: Any = None
        self._scala: Any = None  # the Scala REPL, once started (:meth:`_scala_repl`)
        self._class_dir = Path.cwd() / "repl-classes"

    # -- start-up ------------------------------------------------------------------------------
    def start_spark(self) -> None:
        """Create the SparkSession from the spark-submit arguments the gateway put in the environment."""
        from pyspark.sql import SparkSession

        from .namespace import make_namespace
        from .repl import PythonRepl

        submit_args = os.environ.get("PYSPARK_SUBMIT_ARGS", "")
        builder = SparkSession.builder
        for key, value in conf_defaults(submit_args).items():
            builder = builder.config(key, value)
        # Any statement may be Scala (Livy lets each name its kind), so every session gets the folder the
        # Scala REPL compiles into, and Spark serves it to executors.
        given_dir = submitted_conf(submit_args).get(CLASS_DIR_CONF)
        if given_dir:
            self._class_dir = Path(given_dir)
        else:
            self._class_dir.mkdir(mode=0o700, exist_ok=True)  # classes hold the session's code: private
            builder = builder.config(CLASS_DIR_CONF, str(self._class_dir))
        starting = self._start_scala() if self._eager_scala else None
        self.spark = builder.getOrCreate()
        if starting is not None:
            starting.ready.wait()
            if starting.error is not None:
                raise starting.error
            self._scala = starting.repl
        self._repl = PythonRepl(make_namespace(self.spark))
        # PySpark installs its own SIGINT handler in SparkContext; ours interrupts only a cancelled statement.
        signal.signal(signal.SIGINT, self._on_sigint)
        sc = self.spark.sparkContext
        with self._running.lock:
            self._running.idle_since = time.monotonic()
        self._ready_event = {"ev": "ready", "app_id": sc.applicationId, "spark_ui_url": sc.uiWebUrl}
        self._channel.send(self._ready_event)

    def _start_scala(self) -> _ScalaStart:
        """Start the JVM alone, then create the Scala REPL and its first (slow) compile while SparkContext starts."""
        from pyspark import SparkContext

        from .scala import require_pinned_threads

        SparkContext._ensure_initialized()  # launches the JVM the SparkContext will use
        require_pinned_threads(SparkContext._gateway)
        starting = _ScalaStart(SparkContext._jvm, self._class_dir, self._may_warm_scala)
        starting.start()
        return starting

    def _may_warm_scala(self) -> bool:
        """Wait until the Scala REPL may run a warm-up line: once the session is ready and no statement has come
        for :data:`SCALA_WARM_UP_IDLE_SECONDS`.

        :return: False when the session stays busy for :data:`SCALA_WARM_UP_PATIENCE_SECONDS` (stop warming).
        """
        deadline = time.monotonic() + SCALA_WARM_UP_PATIENCE_SECONDS
        while time.monotonic() < deadline:
            with self._running.lock:
                # Not while Spark starts: on few cores the lines would slow the start down by what they take.
                quiet = (
                    self._ready_event is not None
                    and self._running.statement_id is None
                    and self._inbox.empty()
                    and time.monotonic() - self._running.idle_since >= SCALA_WARM_UP_IDLE_SECONDS
                )
            if quiet:
                return True
            time.sleep(0.1)
        return False

    def _scala_repl(self) -> Any:
        """:return: the session's Scala REPL, started now if this is its first Scala statement."""
        if self._scala is None:
            from .scala import ScalaRepl, require_pinned_threads

            require_pinned_threads(self.spark.sparkContext._gateway)
            repl = ScalaRepl(self.spark.sparkContext._jvm, self._class_dir)
            repl.start()
            self._scala = repl
        return self._scala

    def hello(self) -> dict[str, Any]:
        """:return: the greeting for a (re)connecting gateway: who we are and whether Spark is up."""
        ready = self._ready_event or {}
        return {
            "ev": "hello",
            "pid": os.getpid(),
            "ready": bool(ready),
            "app_id": ready.get("app_id"),
            "spark_ui_url": ready.get("spark_ui_url"),
        }

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        # Reads one bool and takes no lock: a handler runs between bytecodes of the main thread,
        # which may hold any lock at that moment.
        if self._armed:
            raise KeyboardInterrupt

    # -- reader thread -------------------------------------------------------------------------
    def read_forever(self) -> None:
        """Serve gateway connections until none comes back in time; then ask the main thread to exit."""
        first = True
        while self._channel.accept(self.hello, first):
            first = False
            self._read_connection()
            # To the log, never into a running statement's captured output.
            print(
                "sparkwire: the gateway connection closed; waiting for it to come back",
                file=sys.__stderr__,
                flush=True,
            )
        self._orphaned()

    def _read_connection(self) -> None:
        while True:
            try:
                message = self._channel.receive()
            except (OSError, ValueError):
                return
            if message is None:
                return
            op = message.get("op")
            if op == "ack":
                continue
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
        print("sparkwire: no gateway is connected; stopping this session", file=sys.__stderr__, flush=True)
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
            scala = self._running.kind == "spark"
        if self.spark is not None:
            self.spark.sparkContext.cancelJobGroup(job_group(statement_id))
        if scala:
            threading.Thread(
                target=self._keep_cancelling, args=(statement_id,), daemon=True, name="sparkwire-scala-cancel"
            ).start()
        # A signal delivered to the main thread also breaks out of pure-Python work and sleeps.
        if self._main_thread_id is not None:
            signal.pthread_kill(self._main_thread_id, signal.SIGINT)

    def _keep_cancelling(self, statement_id: int) -> None:
        """Cancel a Scala statement's jobs and interrupt its thread until it ends (bounded)."""
        group = job_group(statement_id)
        for _ in range(SCALA_CANCEL_ATTEMPTS):
            time.sleep(SCALA_INTERRUPT_AFTER_SECONDS)
            with self._running.lock:
                if self._running.statement_id != statement_id:
                    return
            try:
                self.spark.sparkContext.cancelJobGroup(group)  # jobs it started since the last cancel
                if self._scala is not None:
                    self._scala.interrupt()
            except Exception:  # noqa: BLE001 - the JVM may be stopping; the statement ends either way
                return

    def _complete(self, message: dict[str, Any]) -> None:
        candidates: list[str] = []
        kind = message.get("kind", "pyspark")
        completer = self._repl if kind == "pyspark" else self._scala if kind == "spark" else None
        if completer is not None:
            code = str(message.get("code", ""))
            cursor = message.get("cursor")
            try:
                candidates = completer.complete(code, len(code) if cursor is None else int(cursor))
            except Exception:  # noqa: BLE001 - completion is best effort; never disturb the session
                candidates = []
        self._channel.send({"ev": "completion", "req": message.get("req"), "candidates": candidates})

    def _statement_jobs(self, statement_id: int) -> list[dict[str, Any]]:
        from .jobs import statement_jobs

        return statement_jobs(self.spark.sparkContext, job_group(statement_id))

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
                self._send_cancelled(statement_id)
                return
            self._running.statement_id = statement_id
            self._running.kind = kind
            self._running.cancel_requested = False
        if self._job_group_of != statement_id:
            self._set_job_group(statement_id)
        self._progress.begin(statement_id)
        result: ExecutionResult | None = None
        # SIGINT would break a Scala statement's py4j call mid-exchange; _keep_cancelling stops those.
        self._armed = kind != "spark"
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
        before = self._jobs_before
        self._progress.finish(jobs_started=before is None or self._jobs_submitted() != before)
        with self._running.lock:
            cancelled = self._running.cancel_requested
            self._running.statement_id = None
            self._running.cancel_requested = False
            self._running.idle_since = time.monotonic()
        if cancelled or result is None:
            self._send_cancelled(statement_id)
        else:
            self._send_result(statement_id, result)
        self._prepare_job_group(statement_id + 1)

    def _set_job_group(self, statement_id: int) -> None:
        """Run the main thread's Spark jobs (and a Scala statement's) in the statement's job group."""
        self._job_group_of = None
        self.spark.sparkContext.setJobGroup(
            job_group(statement_id), f"statement {statement_id}", interruptOnCancel=True
        )
        # Read after the group is set: any job of the group is submitted later and moves the count.
        self._jobs_before = self._jobs_submitted()
        self._job_group_of = statement_id

    def _jobs_submitted(self) -> int | None:
        """How many Spark jobs this SparkContext has submitted (from any thread), or None if unknown.

        One py4j call: when the count has not moved while a statement ran, no job can be in its group
        and the final look-up of its jobs (three calls) is skipped. The DAGScheduler lives as long as
        the SparkContext; its ``numTotalJobs`` is internal to Spark, so any failure means "unknown".
        """
        try:
            if self._dag_scheduler is None:
                self._dag_scheduler = self.spark.sparkContext._jsc.sc().dagScheduler()
            return int(self._dag_scheduler.numTotalJobs())
        except Exception:  # noqa: BLE001 - unknown: the statement's jobs are looked up as before
            return None

    def _prepare_job_group(self, statement_id: int) -> None:
        """Set the likely next statement's job group now, once the last result is on its way.

        The gateway numbers a session's statements in order, so the next is nearly always the last one's
        id + 1; setting its group here takes a py4j round trip (0.1-0.3 ms) off every cell's latency.
        Nothing runs on the main thread in between. Another id (a statement cancelled before it ran) has
        its group set when it starts, as does every statement after a failure here.
        """
        try:
            self._set_job_group(statement_id)
        except Exception:  # noqa: BLE001 - the JVM may be stopping; _execute sets the group itself then
            self._job_group_of = None

    def _run(self, kind: str, code: str) -> Any:
        if kind == "sql":
            from .sql import run_sql

            return run_sql(self.spark, code, self._sql_max_rows)
        if kind == "spark":
            return self._run_scala(code)
        return self._repl.execute(code)

    def _run_scala(self, code: str) -> Any:
        from .result import ExecutionResult
        from .scala import ScalaUnavailable

        try:
            repl = self._scala_repl()
        except ScalaUnavailable as exc:
            return ExecutionResult.error("ScalaUnavailable", f"This session cannot run Scala: {exc}", [])
        if self._running.cancel_requested:  # cancelled while the REPL started, which no interrupt stops
            raise KeyboardInterrupt
        return repl.execute(code)

    def _send_cancelled(self, statement_id: int) -> None:
        self._channel.send_final(
            statement_id, (json.dumps({"ev": "cancelled", "id": statement_id}) + "\n").encode()
        )

    def _send_result(self, statement_id: int, result: Any) -> None:
        from .result import ExecutionResult

        output = json.dumps(result.to_output(statement_id), default=str)
        if len(output) > self._max_output_bytes:
            size_mb = len(output) / 1e6
            output = json.dumps(
                ExecutionResult.error(
                    "OutputTooLarge",
                    f"The statement's output is {size_mb:.1f} MB, over the gateway's limit of "
                    f"{self._max_output_bytes / 1e6:.0f} MB (max_output_bytes). Reduce it (e.g. df.limit(n), or "
                    f"write large results to storage); the session and its variables are unaffected.",
                    [],
                ).to_output(statement_id)
            )
        if self._spill is not None and len(output) > self._spill[1]:
            # The gateway streams the file to clients instead of holding the output in memory.
            folder = self._spill[0]
            folder.mkdir(parents=True, exist_ok=True)
            temporary = folder / f"{statement_id}.json.tmp"
            with open(
                os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600), "w", encoding="utf-8"
            ) as spill:
                spill.write(output)  # 0600: outputs are as private as the code that made them
            os.replace(temporary, folder / f"{statement_id}.json")
            line = json.dumps({"ev": "result", "id": statement_id, "spilled": len(output)})
        else:
            line = f'{{"ev": "result", "id": {statement_id}, "output": {output}}}'
        self._channel.send_final(statement_id, (line + "\n").encode())


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sparkwire.gateway.worker",
        description="A sparkwire gateway session process (started by the gateway).",
    )
    parser.add_argument("--socket", required=True, help="Unix socket path to listen on for the gateway")
    parser.add_argument(
        "--grace",
        type=float,
        default=0.0,
        help="seconds to wait for the gateway to come back after it disconnects (0: stop at once)",
    )
    parser.add_argument("--spill-dir", type=Path, help="folder for outputs larger than --spill-bytes")
    parser.add_argument("--spill-bytes", type=int, default=1024 * 1024)
    parser.add_argument("--sql-max-rows", type=int, default=1000)
    parser.add_argument("--max-output-bytes", type=int, default=DEFAULT_MAX_OUTPUT_BYTES)
    parser.add_argument(
        "--kind",
        default="pyspark",
        help="the session kind; 'spark' starts the Scala REPL before the session is idle",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the session process.

    :return: exit code: 0 after a requested shutdown, 1 when Spark failed to start.
    """
    args = _parse_args(argv)
    become_subreaper()
    if args.spill_dir:
        # Where sparkwire's SQL helper may write results for the gateway to serve as files
        # (routes_results.py); its client asks for that only when the gateway lists arrow-results.
        os.environ[RESULTS_DIR_ENV] = str(args.spill_dir / "results")
    channel = GatewayChannel(args.socket, args.grace)
    worker = Worker(
        channel,
        args.sql_max_rows,
        args.max_output_bytes,
        (args.spill_dir, args.spill_bytes) if args.spill_dir else None,
        eager_scala=args.kind == "spark",
    )
    print(
        f"sparkwire: session process {os.getpid()} starting Spark "
        f"({os.environ.get('PYSPARK_SUBMIT_ARGS', 'default arguments')})",
        flush=True,
    )
    reader = threading.Thread(target=worker.read_forever, name="sparkwire-reader", daemon=True)
    reader.start()
    try:
        return _run(worker, channel)
    finally:
        channel.close()


def _run(worker: Worker, channel: GatewayChannel) -> int:
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
