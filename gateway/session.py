"""One interactive session: its state, its statements, and the worker process behind it.

Two asyncio tasks per session: the *pump* reads the worker's events (ready, progress, results) and
the *runner* sends waiting statements one at a time, in id order. Every state change happens on the
event loop, so no locks are needed.

Every state change is also written to the :class:`~.store.SessionStore` (when recovery is on), so a
restarted gateway can :meth:`InteractiveSession.restore` the session and re-attach its process.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BadRequest, StatementNotFound
from .kinds import resolve_statement_kind
from .liveness import LivenessPolicy, PingClock, cancel_gave_up, cancelled_note, stopped_answering
from .log_file import SessionLogFile
from .long_poll import FINAL_STATEMENT_STATES, DoneSignal
from .store import SessionStore, StoredSession, StoredStatement
from .worker_process import WorkerLaunch, WorkerProcess

__all__ = ["FINAL_SESSION_STATES", "InteractiveSession", "SessionInfo", "StatementRecord"]

FINAL_SESSION_STATES = frozenset({"error", "dead", "killed", "success"})


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class StatementRecord:
    """A statement as the gateway tracks it (Livy's Statement shape, snake_case)."""

    id: int
    code: str
    kind: str
    state: str = "waiting"
    output: dict[str, Any] | None = None
    progress: float = 0.0
    started: int = 0
    completed: int = 0
    jobs: list[dict[str, Any]] = field(default_factory=list)  # Spark jobs, as the worker reports them
    spilled: bool = False  # the output is in a file (too large to hold in memory); see output_file

    def stored(self) -> StoredStatement:
        """:return: the row the state store keeps for this statement."""
        return StoredStatement(
            self.id, self.code, self.kind, self.state, self.output, self.spilled, self.started, self.completed
        )


@dataclass(frozen=True)
class SessionInfo:
    """What a session was created with (never changes)."""

    id: int
    name: str | None
    kind: str  # the session kind as Livy reports it ("pyspark", "sql" or "shared")
    owner: str | None
    proxy_user: str | None
    heartbeat_timeout: float | None  # seconds; None = no heartbeat required
    idle_timeout: float | None  # seconds; None = the gateway default
    ttl: float | None  # seconds of maximum lifetime; None = unlimited
    # The name of the session's folder under sessions/ and of its socket: a pooled session lives under
    # ``pool-<hex>`` from birth and keeps it when handed out (see pool.py); None means the id.
    home: str | None = None

    @property
    def home_name(self) -> str:
        """:return: the session's folder and socket name."""
        return self.home or str(self.id)


@dataclass
class _Timing:
    created: float = field(default_factory=time.monotonic)
    last_activity: float = field(default_factory=time.monotonic)
    last_heartbeat: float = field(default_factory=time.monotonic)
    finished: float | None = None


class InteractiveSession:
    """A Livy interactive session backed by one worker process."""

    def __init__(
        self,
        info: SessionInfo,
        launch: WorkerLaunch,
        *,
        statements_kept: int,
        start_timeout: float,
        store: SessionStore | None = None,
        outputs_dir: Path | None = None,
        pid: int | None = None,
        liveness: LivenessPolicy | None = None,
    ) -> None:
        self.info = info
        self._store = store or SessionStore(None)
        self._state = "not_started"
        self.app_id: str | None = None
        self.spark_ui_url: str | None = None
        self.log = SessionLogFile(launch.log_path)
        self.timing = _Timing()
        self._worker = WorkerProcess(launch, pid)
        self._outputs_dir = outputs_dir or launch.cwd / "outputs"
        self._statements: OrderedDict[int, StatementRecord] = OrderedDict()
        self._statement_ids = itertools.count()
        self._statements_kept = statements_kept
        self._start_timeout = start_timeout
        self._restored = False  # re-attached after a gateway restart: statements may be in flight
        self._wakeup = asyncio.Event()  # set when a statement starts waiting
        self._ready = asyncio.Event()
        self._finished_statement: dict[int, asyncio.Future[None]] = {}
        self._completions: dict[int, asyncio.Future[list[str]]] = {}
        self._completion_ids = itertools.count()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._liveness = liveness or LivenessPolicy()
        self._pings = PingClock(self._liveness)
        self._done = DoneSignal()  # wakes ``?wait=`` requests (long_poll.py)

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def state(self) -> str:
        """:return: Livy's session state."""
        return self._state

    @state.setter
    def state(self, value: str) -> None:
        if value != self._state:
            self._state = value
            self._save()

    def _save(self) -> None:
        if self.info.id < 0:  # pooled: nobody's session yet, nothing to recover
            return
        self._store.save_session(
            self.info.id, self.info, self._state, self.app_id, self.spark_ui_url, self._worker.pid
        )

    def _save_statement(self, record: StatementRecord) -> None:
        self._store.save_statement(self.info.id, record.stored())
        if record.state in FINAL_STATEMENT_STATES:
            self._done.notify()

    async def wait_finished(self, record: StatementRecord, seconds: float) -> None:
        """Return once the statement is finished (available, error, cancelled) or ``seconds`` have passed."""
        await self._done.wait_until(lambda: record.state in FINAL_STATEMENT_STATES, seconds)

    def result_file(self, token: str) -> Path:
        """:return: where the session process writes a query result the SQL helper asked to be served
        as a file (``GET /sessions/{id}/results/{token}``, see routes_results.py)."""
        return self._outputs_dir / "results" / f"{token}.arrow"

    def output_file(self, record: StatementRecord) -> Path:
        """:return: where the session process wrote a spilled statement's output (JSON)."""
        return self._outputs_dir / f"{record.id}.json"

    @classmethod
    def restore(
        cls,
        stored: StoredSession,
        info: SessionInfo,
        launch: WorkerLaunch,
        *,
        statements_kept: int,
        start_timeout: float,
        store: SessionStore,
        outputs_dir: Path,
        liveness: LivenessPolicy | None = None,
    ) -> InteractiveSession:
        """Rebuild a session from the store after a restart; :meth:`reattach` then reconnects its process."""
        session = cls(
            info,
            launch,
            statements_kept=statements_kept,
            start_timeout=start_timeout,
            store=store,
            outputs_dir=outputs_dir,
            pid=stored.pid,
            liveness=liveness,
        )
        session._state = stored.state
        session.app_id = stored.app_id
        session.spark_ui_url = stored.spark_ui_url
        session._restored = True
        for row in stored.statements:
            session._statements[row.id] = StatementRecord(
                id=row.id,
                code=row.code,
                kind=row.kind,
                state=row.state,
                output=row.output,
                progress=1.0 if row.state == "available" else 0.0,
                started=row.started,
                completed=row.completed,
                spilled=row.spilled,
            )
        session._statement_ids = itertools.count(max(session._statements, default=-1) + 1)
        if session.is_final:
            session.timing.finished = time.monotonic()
        return session

    def reattach(self) -> None:
        """Reconnect to the process of a restored session in the background, or declare the session dead."""
        if self.is_final:
            return
        self.log.note(
            f"the gateway restarted; re-attaching session {self.info.id} (process {self._worker.pid})"
        )
        self._tasks = [
            asyncio.create_task(self._pump(connect_timeout=10.0), name=f"session-{self.info.id}-pump"),
            asyncio.create_task(self._run_statements(), name=f"session-{self.info.id}-runner"),
            asyncio.create_task(self._watch_worker(), name=f"session-{self.info.id}-liveness"),
        ]
        if self.state in ("not_started", "starting"):
            self._tasks.append(
                asyncio.create_task(self._watch_start(), name=f"session-{self.info.id}-start-timeout")
            )

    def hand_out(self, info: SessionInfo, store: SessionStore) -> None:
        """Give a pooled session its id and owner; from now on it is stored and expires like any other.

        :param info: the session's final facts (``home`` must stay the pooled one).
        :param store: the gateway's state store.
        """
        self.info = info
        self._store = store
        now = time.monotonic()
        self.timing.created = self.timing.last_activity = self.timing.last_heartbeat = now
        self.log.note(f"handed out from the warm pool as session {info.id} (owner {info.owner})")
        self._save()
        for record in self._statements.values():
            self._save_statement(record)

    @property
    def worker_pid(self) -> int | None:
        """:return: the session process id (tests use it to check nothing is orphaned)."""
        return self._worker.pid

    @property
    def is_final(self) -> bool:
        """:return: True once the session can run nothing more."""
        return self.state in FINAL_SESSION_STATES

    async def start(self) -> None:
        """Launch the worker and the session's tasks; returns once the process is spawned."""
        self.state = "starting"
        self.log.note(f"starting session {self.info.home_name} (kind {self.info.kind})")
        try:
            await self._worker.launch()
        except (OSError, ValueError) as exc:  # ValueError: an argument Popen refuses
            self._die(f"could not start the session process: {exc}")
            return
        self._save()
        self._tasks = [
            asyncio.create_task(self._pump(self._start_timeout), name=f"session-{self.info.id}-pump"),
            asyncio.create_task(self._run_statements(), name=f"session-{self.info.id}-runner"),
            asyncio.create_task(self._watch_start(), name=f"session-{self.info.id}-start-timeout"),
            asyncio.create_task(self._watch_worker(), name=f"session-{self.info.id}-liveness"),
        ]

    async def _watch_start(self) -> None:
        try:
            await asyncio.wait_for(self._ready.wait(), self._start_timeout)
        except asyncio.TimeoutError:
            if not self.is_final:
                self._die(
                    f"Spark did not start within {self._start_timeout:.0f}s (start_timeout); "
                    f"see the lines above for what it was doing"
                )
                await self._worker.shutdown(budget=5.0)

    async def stop(self, final_state: str = "killed", reason: str | None = None) -> None:
        """Stop the worker (ask, SIGTERM, SIGKILL) and end in ``final_state``."""
        if self._stopping:
            return
        self._stopping = True
        if reason:
            self.log.note(reason)
        if not self.is_final:
            self.state = "shutting_down"
        status = await self._worker.shutdown()
        self.log.note(f"session process stopped ({status.value})")
        self._end_statements("The session was stopped while this statement waited.")
        if not self.is_final:
            self.state = final_state
        self.timing.finished = time.monotonic()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _die(self, reason: str) -> None:
        self.log.note(reason)
        self.state = "dead"
        self.timing.finished = time.monotonic()
        self._ready.set()  # release a runner waiting for start-up; it will see the session is final
        self._wakeup.set()
        self._end_statements(f"The session died: {reason}")

    def _end_statements(self, message: str) -> None:
        """Fail a running statement and cancel waiting ones, so no client polls forever."""
        for record in self._statements.values():
            if record.state == "running" or record.state == "cancelling":
                self._complete(
                    record,
                    {
                        "status": "error",
                        "execution_count": record.id,
                        "ename": "SessionDied",
                        "evalue": message,
                        "traceback": [],
                    },
                )
            elif record.state == "waiting":
                record.state = "cancelled"
                record.completed = _now_ms()
                self._save_statement(record)
        for future in self._finished_statement.values():
            if not future.done():
                future.set_result(None)
        for waiting in self._completions.values():
            if not waiting.done():
                waiting.set_result([])

    # -- events from the worker ----------------------------------------------------------------
    async def _pump(self, connect_timeout: float) -> None:
        if not await self._worker.connect(connect_timeout):
            if not self._stopping and not self.is_final:
                code = self._worker.poll()
                self._die(
                    "the session process is gone (it did not survive the gateway restart)"
                    if self._restored
                    else f"the session process never listened on its socket (exit code {code}); "
                    f"the lines above say why"
                )
                await self._worker.shutdown(budget=2.0)
            return
        while True:
            event = await self._worker.receive()
            if event is None:
                break
            self._handle(event)
            if event.get("ev") in ("result", "cancelled"):
                # Stored now: the process may forget it (it keeps final lines until acknowledged).
                await self._worker.send({"op": "ack", "id": event.get("id")})
        if not self._stopping and not self.is_final:
            await self._worker_exited(await self._worker.wait(5.0))

    async def _worker_exited(self, code: int | None) -> None:
        """The process ended unasked (seen by the socket's EOF or by :meth:`_watch_worker`, whichever
        comes first): the session dies, once, and the process group goes too."""
        if self._stopping or self.is_final:
            return
        said = "unknown: the process was re-attached" if code == -1 else str(code)
        self._die(f"the session process exited unexpectedly (exit code {said}); the lines above say why")
        await self._worker.shutdown(budget=2.0)  # its process group and descendants go too

    def _handle(self, event: dict[str, Any]) -> None:
        kind = event.get("ev")
        self._pings.answered()
        if kind == "pong":
            return
        if kind == "hello":
            self._hello(event)
        elif kind == "ready":
            self.app_id = event.get("app_id")
            self.spark_ui_url = event.get("spark_ui_url")
            if not self.is_final and not self._stopping:
                self.state = "idle"
                self.timing.last_activity = time.monotonic()  # idle time counts from readiness
                self.log.note(f"session ready: application {self.app_id}")
            self._ready.set()
        elif kind == "failed":
            self._die(f"Spark failed to start: {event.get('error')}")
        elif kind == "progress":
            record = self._statements.get(int(event["id"]))
            if record is not None and record.state == "running":
                record.progress = float(event["progress"])
        elif kind == "jobs":
            record = self._statements.get(int(event["id"]))
            if record is not None and isinstance(event.get("jobs"), list):
                record.jobs = event["jobs"]
        elif kind == "result":
            record = self._statements.get(int(event["id"]))
            if record is not None and record.state == "cancelled":  # marked so by cancel escalation
                self._release(record.id)
            elif record is not None and record.state != "available":
                if event.get("spilled") is not None:
                    record.spilled = True
                    self._complete(record, None)
                else:
                    self._complete(record, event["output"])
        elif kind == "cancelled":
            record = self._statements.get(int(event["id"]))
            if record is not None and record.state not in ("available", "cancelled"):
                record.state = "cancelled"
                record.completed = _now_ms()
                self._save_statement(record)
                self._release(record.id)
        elif kind == "completion":
            future = self._completions.pop(int(event.get("req", -1)), None)
            if future is not None and not future.done():
                future.set_result([str(c) for c in event.get("candidates", [])])
        else:
            self.log.note(f"ignored an unexpected message from the session process: {event!r:.200}")

    def _hello(self, event: dict[str, Any]) -> None:
        """A (re)connected process says who it is, whether Spark is up, and which statements it holds."""
        if not self._restored:
            if event.get("ready"):
                self._handle({**event, "ev": "ready"})
            return
        self.log.note(f"re-attached to session process {event.get('pid')}")
        pending = {int(i) for i in event.get("pending", [])}
        for record in self._statements.values():
            if record.state in ("running", "cancelling") and record.id not in pending:
                # The gateway died between marking it running and the process receiving it: it never ran.
                if record.state == "cancelling":
                    record.state = "cancelled"
                    record.completed = _now_ms()
                else:
                    record.state = "waiting"
                    record.started = 0
                self._save_statement(record)
        for record in self._statements.values():
            if record.state in ("running", "cancelling"):
                self._finished_statement[record.id] = asyncio.get_running_loop().create_future()
        if event.get("ready"):
            self._handle({**event, "ev": "ready"})
            if self._finished_statement and not self.is_final:
                self.state = "busy"
        self._wakeup.set()

    def _complete(self, record: StatementRecord, output: dict[str, Any] | None) -> None:
        record.output = output
        record.state = "available"
        record.progress = 1.0
        record.completed = _now_ms()
        self._save_statement(record)
        self._release(record.id)

    def _release(self, statement_id: int) -> None:
        future = self._finished_statement.pop(statement_id, None)
        if future is not None and not future.done():
            future.set_result(None)

    # -- statements ----------------------------------------------------------------------------
    def _next_waiting(self) -> Iterator[StatementRecord]:
        return (r for r in self._statements.values() if r.state == "waiting")

    async def _run_statements(self) -> None:
        await self._ready.wait()
        # After a restart, a statement the process was running when the gateway died finishes first.
        for in_flight in list(self._finished_statement.values()):
            await in_flight
        if not self.is_final and not self._stopping and self.state == "busy":
            self.state = "idle"
        while not self.is_final:
            record = next(self._next_waiting(), None)
            if record is None:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            statement_id = record.id
            finished = asyncio.get_running_loop().create_future()
            self._finished_statement[statement_id] = finished
            record.state = "running"
            record.started = _now_ms()
            self._save_statement(record)
            self.state = "busy"
            sent = await self._worker.send(
                {"op": "execute", "id": record.id, "kind": record.kind, "code": record.code}
            )
            if sent:
                await finished
            self.timing.last_activity = time.monotonic()
            if not self.is_final and not self._stopping:
                self.state = "idle"

    def submit(self, code: str, kind: str | None) -> StatementRecord:
        """Queue a statement; it runs after those before it.

        :raises BadRequest: the session is finished, or the kind is not runnable here.
        """
        if self.is_final or self._stopping:
            raise BadRequest(
                f"Session {self.info.id} is {self.state}: it can run no more statements. "
                f"Create a new session."
            )
        statement_kind = resolve_statement_kind(kind, self.info.kind)
        record = StatementRecord(id=next(self._statement_ids), code=code, kind=statement_kind)
        self._statements[record.id] = record
        self._save_statement(record)
        self._forget_old_statements()
        self.touch()
        self._wakeup.set()
        return record

    def _forget_old_statements(self) -> None:
        while len(self._statements) > self._statements_kept:
            oldest_id, oldest = next(iter(self._statements.items()))
            if oldest.state in ("waiting", "running", "cancelling"):
                break
            del self._statements[oldest_id]
            self._store.delete_statement(self.info.id, oldest_id)
            if oldest.spilled:
                self.output_file(oldest).unlink(missing_ok=True)

    def statement(self, statement_id: int) -> StatementRecord:
        """:raises StatementNotFound: for an id this session does not (or no longer) keep."""
        try:
            return self._statements[statement_id]
        except KeyError:
            raise StatementNotFound(
                f"Statement {statement_id} not found in session {self.info.id}."
            ) from None

    def statements(self) -> list[StatementRecord]:
        """:return: the kept statements, oldest first."""
        return list(self._statements.values())

    async def cancel(self, statement_id: int) -> None:
        """Cancel a waiting or running statement; finished or unknown ones are left alone (as Livy)."""
        record = self._statements.get(statement_id)
        if record is None:
            return
        if record.state == "waiting":
            record.state = "cancelled"
            record.completed = _now_ms()
            self._save_statement(record)
        elif record.state == "running":
            record.state = "cancelling"
            self._save_statement(record)
            await self._worker.send({"op": "cancel", "id": statement_id})
            self._tasks.append(
                asyncio.create_task(
                    self._escalate_cancel(record), name=f"session-{self.info.id}-cancel-{statement_id}"
                )
            )

    async def complete(self, code: str, kind: str | None, cursor: int | None) -> list[str]:
        """Completion candidates from the live session; empty when it is not ready."""
        statement_kind = resolve_statement_kind(kind, self.info.kind)
        if self.state not in ("idle", "busy"):
            return []
        request_id = next(self._completion_ids)
        future: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
        self._completions[request_id] = future
        sent = await self._worker.send(
            {"op": "complete", "req": request_id, "kind": statement_kind, "code": code, "cursor": cursor}
        )
        if not sent:
            self._completions.pop(request_id, None)
            return []
        try:
            return await asyncio.wait_for(future, 5.0)
        except asyncio.TimeoutError:
            self._completions.pop(request_id, None)
            return []

    # -- liveness ------------------------------------------------------------------------------
    async def _watch_worker(self) -> None:
        """Detect the worker's exit (not socket EOF: a forked child may hold the socket) and its silence."""
        while not self.is_final and not self._stopping:
            await asyncio.sleep(self._liveness.ping_interval)
            if self.is_final or self._stopping:
                return
            code = self._worker.poll()
            if code is not None:
                await self._worker_exited(code)
                return
            await asyncio.to_thread(self._worker.track_descendants)  # reads /proc: keep it off the loop
            if not self._ready.is_set():
                self._pings.answered()  # start-up has its own limit (start_timeout)
            elif self._pings.overdue():
                self._die(stopped_answering(self._pings.silent_for()))
                await self._worker.shutdown(budget=3.0)
                return
            elif self._liveness.timeout > 0:
                await self._worker.send(self._pings.next_ping())

    async def _escalate_cancel(self, record: StatementRecord) -> None:
        """Interrupt first (done by ``cancel``); then mark cancelled; then stop the session."""
        grace = self._liveness.cancel_grace
        await asyncio.sleep(grace)
        if record.state != "cancelling" or self.is_final or self._stopping:
            return
        await self._worker.send({"op": "cancel", "id": record.id})  # again: job group and interrupt
        note = cancelled_note(record.id, grace)
        self.log.note(note)
        record.state = "cancelled"
        record.completed = _now_ms()
        record.output = {
            "status": "error",
            "execution_count": record.id,
            "ename": "StatementCancelled",
            "evalue": note,
            "traceback": [],
        }
        self._save_statement(record)
        await asyncio.sleep(grace)
        still_running = self._finished_statement.get(record.id)
        if (
            still_running is not None
            and not still_running.done()
            and not self.is_final
            and not self._stopping
        ):
            self._die(cancel_gave_up(record.id, 2 * grace))
            await self._worker.shutdown(budget=3.0)

    def touch(self) -> None:
        """Record client activity (any request about this session is a heartbeat)."""
        now = time.monotonic()
        self.timing.last_heartbeat = now
        self.timing.last_activity = now

    def heartbeat(self) -> None:
        """Record a heartbeat that is not activity (a GET does not keep an idle session alive)."""
        self.timing.last_heartbeat = time.monotonic()

    def expiry_reason(self, default_idle_timeout: float) -> str | None:
        """:return: why this session should be stopped now, or None."""
        if self.is_final or self._stopping:
            return None
        now = time.monotonic()
        idle_timeout = self.info.idle_timeout if self.info.idle_timeout is not None else default_idle_timeout
        if self.info.ttl is not None and now - self.timing.created > self.info.ttl:
            return f"stopped: the session reached its ttl of {self.info.ttl:.0f}s"
        if (
            self.info.heartbeat_timeout is not None
            and now - self.timing.last_heartbeat > self.info.heartbeat_timeout
        ):
            return (
                f"stopped: no client heartbeat for {self.info.heartbeat_timeout:.0f}s "
                f"(heartbeatTimeoutInSecond)"
            )
        if idle_timeout > 0 and self.state == "idle" and now - self.timing.last_activity > idle_timeout:
            return f"stopped: idle for more than {idle_timeout:.0f}s (idle timeout)"
        return None


def session_work_dir(root: Path, home: int | str) -> Path:
    """:return: the folder holding a session's log and scratch files.

    :param home: the session id, or a pooled session's reserved name (``SessionInfo.home_name``).
    """
    return root / "sessions" / str(home)
