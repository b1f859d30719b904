"""Livy batches: one spark-submit per batch, followed through its log and exit code.

Each batch runs ``spark-submit`` from the PySpark distribution, in its own process group, behind a
tiny ``sh`` wrapper that writes spark-submit's exit code to a file. Its output goes straight to the
batch's log file, so the batch does not depend on the gateway staying up: a gateway that stops (or
crashes) leaves its batches running, and the next gateway on the same ``work_dir`` re-attaches to
them by pid, or, if they ended meanwhile, reads their exit code; if neither is possible it says so.

States follow Livy's: ``starting`` until the Spark application is up (its id or its SparkContext
shows in the log), then ``running``, then ``success`` (exit code 0), ``dead`` or ``killed``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .batch_paths import check_batch_conf, resolve_batch_path, resolve_path_list
from .batch_store import BatchRecord, BatchStore, LogScanner, now_ms
from .errors import BadRequest, GatewayError
from .log_file import SessionLogFile
from .models import CreateBatchRequest
from .secrets_scrub import mask_text
from .session_network import forced_ui_conf, ui_bind_address, ui_environment
from .settings import GatewaySettings
from .spark_submit import SparkJobSpec, submit_args
from .validation import parse_id
from .worker_process import ShutdownStatus, default_python, session_environment, signal_process_group

__all__ = ["BatchManager", "BatchNotFound", "BatchProcess", "BatchRun", "Ended", "resolve_batch_path"]

log = logging.getLogger("sparkwire.gateway")

_POLL_SECONDS = 0.25
# Records spark-submit's exit code even when no gateway is watching. A trapped TERM (not an ignored
# one, which children would inherit) makes sh wait for spark-submit to finish its shutdown hooks.
_WRAPPER = 'trap : TERM INT HUP; "$@"; code=$?; echo "$code" > "$0.tmp" && mv "$0.tmp" "$0"; exit "$code"'


class BatchNotFound(GatewayError):
    """No batch with this id or name."""

    status_code = 404


# -- requests ---------------------------------------------------------------------------------
def spark_distribution() -> Path:
    """:return: the PySpark package folder, which is a Spark distribution (``bin/spark-submit``)."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or spec.origin is None:
        raise BadRequest("PySpark is not installed in the gateway's environment: batches need spark-submit.")
    return Path(spec.origin).parent


# -- the process -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ended:
    """How a batch process ended; ``code`` is None when nobody could see it end."""

    code: int | None


def _is_our_process(pid: int, marker: str) -> bool:
    """:return: True if ``pid`` runs and is the wrapper started with ``marker`` (its exit-code file)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    proc = Path("/proc") / str(pid)
    if not proc.exists():  # no procfs (macOS): our wrapper leads its own process group
        try:
            return os.getpgid(pid) == pid
        except OSError:
            return False
    try:
        if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
        return marker in (proc / "cmdline").read_bytes().decode(errors="replace")
    except (OSError, IndexError):
        return False


class BatchProcess:
    """The wrapper process of one batch (its pid is also its process group id).

    :param pid: the wrapper's pid.
    :param exit_file: where the wrapper writes spark-submit's exit code.
    :param popen: the child handle when this gateway started it; None after a re-attach.
    """

    def __init__(self, pid: int, exit_file: Path, popen: subprocess.Popen[bytes] | None = None) -> None:
        self.pid = pid
        self._exit_file = exit_file
        self._popen = popen

    @classmethod
    def launch(
        cls, command: Sequence[str], *, env: dict[str, str], cwd: Path, log_path: Path, exit_file: Path
    ) -> BatchProcess:
        """Start spark-submit behind the wrapper, output appended to ``log_path``.

        :raises OSError: if it cannot be started.
        """
        cwd.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as out:
            popen = subprocess.Popen(
                ["/bin/sh", "-c", _WRAPPER, str(exit_file), *command],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        return cls(popen.pid, exit_file, popen)

    @classmethod
    def attach(cls, pid: int, exit_file: Path) -> BatchProcess | None:
        """:return: the process if ``pid`` is still our wrapper, else None."""
        return cls(pid, exit_file) if _is_our_process(pid, str(exit_file)) else None

    def _recorded_code(self) -> int | None:
        try:
            return int(self._exit_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def poll(self) -> Ended | None:
        """:return: how it ended, or None while it runs."""
        if self._popen is not None:
            code = self._popen.poll()
            return (
                None if code is None else Ended(self._recorded_code() if self._exit_file.exists() else code)
            )
        if self._exit_file.exists():
            return Ended(self._recorded_code())
        return None if _is_our_process(self.pid, str(self._exit_file)) else Ended(None)

    async def wait(self, timeout: float) -> Ended | None:
        """:return: how it ended, or None if it still runs after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while (ended := self.poll()) is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return ended

    def signal_group(self, sig: signal.Signals) -> None:
        """Send ``sig`` to the wrapper and everything below it (spark-submit's JVM, the Python driver)."""
        signal_process_group(self.pid, sig)

    async def shutdown(self, budget: float = 10.0) -> ShutdownStatus:
        """Stop the batch: SIGTERM, then SIGKILL, within ``budget`` seconds.

        SIGTERM is the asking step here: spark-submit's shutdown hook stops the SparkContext cleanly.
        The group is always SIGKILLed at the end, so nothing outlives the batch.
        """
        if self.poll() is not None:
            status = ShutdownStatus.ALREADY_EXITED
        else:
            self.signal_group(signal.SIGTERM)
            status = ShutdownStatus.TERMINATED if await self.wait(budget * 0.8) else ShutdownStatus.KILLED
        self.sweep()
        await self.wait(budget * 0.2 + 1.0)
        return status

    def sweep(self) -> None:
        """SIGKILL whatever is left in the group (a daemon the application forked, a lingering JVM)."""
        self.signal_group(signal.SIGKILL)


# -- the registry ------------------------------------------------------------------------------
class BatchRun:
    """A batch record with its log and, while it runs, its process and monitor task."""

    def __init__(self, record: BatchRecord, store: BatchStore) -> None:
        self.record = record
        self.log = SessionLogFile(store.log_path(record.id))
        self.process: BatchProcess | None = None
        self.scanner = LogScanner(store.log_path(record.id))
        self.monitor: asyncio.Task[None] | None = None
        self.stopping = False  # a client asked to kill it and the kill is under way
        self._store = store

    @property
    def ui_port(self) -> int | None:
        """The port ``/batches/{id}/ui/`` proxies: the one the gateway gave the UI, once the log says the UI
        started there (not another port Spark moved to, nor one the application names), while the batch runs."""
        port = self.record.ui_port
        return (
            port if port is not None and not self.record.is_final and self.scanner.ui_port == port else None
        )

    def save(self) -> None:
        """Persist the record."""
        self._store.save(self.record)

    def observe(self) -> None:
        """Take the application id, UI address and ``running`` from the log."""
        if not self.scanner.done:
            self.scanner.scan()
        record, scanner = self.record, self.scanner
        changed = False
        if scanner.app_id and scanner.app_id != record.app_id:
            record.app_id = scanner.app_id
            changed = True
        if scanner.spark_ui_url and scanner.spark_ui_url != record.spark_ui_url:
            record.spark_ui_url = scanner.spark_ui_url
            changed = True
        if record.state == "starting" and (scanner.app_id or scanner.context_started):
            record.state = "running"
            changed = True
        if changed:
            self.save()

    def finish(self, state: str, note: str, exit_code: int | None = None) -> None:
        """Record the final state and say why in the log."""
        self.observe()
        self.log.note(note)
        self.record.state = state
        self.record.exit_code = exit_code
        self.record.finished = now_ms()
        self.save()

    def finish_from(self, exit_code: int | None, after: str = "") -> None:
        """Finish from spark-submit's exit code (0 is ``success``; None means nobody saw it end)."""
        if exit_code is None:
            self.finish(
                "dead",
                f"the batch process ended{after}, but its exit code was not recorded: its outcome is unknown",
            )
        else:
            state = "success" if exit_code == 0 else "dead"
            self.finish(state, f"spark-submit exited with code {exit_code}{after}", exit_code)


class BatchManager:
    """All batches of one gateway, on disk and in memory; made in the app's lifespan.

    :param settings: the gateway settings (``batch_dirs``, ``master``, ``spark_conf``, ``work_dir``).
    """

    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings
        self._store = BatchStore(settings.work_dir)
        self._batches: dict[int, BatchRun] = {}
        self._next_id = 0
        # Batches waiting for a free slot (max_batches), oldest first, with the command to run.
        self._queued: dict[int, list[str]] = {}

    def start(self) -> None:
        """Load the records and take over batches a previous gateway left running."""
        for record in self._store.load_all():
            run = BatchRun(record, self._store)
            self._batches[record.id] = run
            if not record.is_final:
                self._recover(run)
        self._next_id = max(self._store.next_id(), max(self._batches, default=-1) + 1)

    def _recover(self, run: BatchRun) -> None:
        pid = run.record.pid
        process = BatchProcess.attach(pid, self._store.exit_file(run.record.id)) if pid else None
        if process is not None:
            run.process = process
            run.log.note(f"the gateway restarted and re-attached to the running batch (process {pid})")
            run.monitor = asyncio.create_task(self._watch(run), name=f"batch-{run.record.id}")
            return
        code = self._store.read_exit_code(run.record.id)
        if code is not None:
            run.finish_from(code, after=" while the gateway was down")
        elif pid is None:
            run.finish("dead", "the gateway stopped before this batch's process started")
        else:
            run.finish(
                "dead",
                "the gateway restarted while this batch ran and its process is gone: its outcome is unknown",
            )

    async def shutdown(self) -> None:
        """Stop watching; running batches keep running and the next gateway re-attaches to them."""
        for run in self._batches.values():
            if run.monitor is not None and not run.monitor.done():
                run.monitor.cancel()
                await asyncio.gather(run.monitor, return_exceptions=True)
                run.log.note(
                    "the gateway stopped; the batch keeps running and the next gateway "
                    "started on the same work_dir re-attaches to it"
                )

    async def _watch(self, run: BatchRun) -> None:
        assert run.process is not None
        while (ended := run.process.poll()) is None:
            try:
                run.observe()
            except Exception:  # an unreadable log or a full disk must not stop watching the process
                log.exception("could not read the log of batch %s; still watching it", run.record.id)
            await asyncio.sleep(_POLL_SECONDS)
        run.process.sweep()
        self._forget_secrets(run.record.id)
        run.finish_from(ended.code)
        self._start_queued()

    # -- REST operations -----------------------------------------------------------------------
    async def create(
        self, request: CreateBatchRequest, owner: str | None, do_as: str | None = None
    ) -> BatchRun:
        """Check the request, record the batch and start spark-submit; it is ``starting`` on return.

        :raises BadRequest: a local file outside ``batch_dirs``, a missing file, a bad name.
        """
        if request.name is not None:
            if parse_id(request.name) is not None:
                raise BadRequest("A batch name cannot be a number: it would be confused with an id.")
            if any(r.record.name == request.name and not r.record.is_final for r in self._batches.values()):
                raise BadRequest(
                    f"Duplicate batch name: {request.name!r} is already in use by a running batch."
                )
        dirs = self._settings.batch_dirs

        def paths(values: list[str], what: str) -> tuple[str, ...]:
            return resolve_path_list(values, dirs, what)

        file = resolve_batch_path(request.file, dirs, "file")
        ui_port = self._ui_port(request.conf)
        spec = SparkJobSpec(
            name=request.name,
            proxy_user=do_as or request.proxy_user,
            driver_memory=request.driver_memory,
            driver_cores=request.driver_cores,
            executor_memory=request.executor_memory,
            executor_cores=request.executor_cores,
            num_executors=request.num_executors,
            jars=paths(request.jars, "jars"),
            py_files=paths(request.py_files, "pyFiles"),
            files=paths(request.files, "files"),
            archives=paths(request.archives, "archives"),
            queue=request.queue,
            conf={
                **check_batch_conf(request.conf, dirs),
                **forced_ui_conf(self._settings, request.conf),
                **({"spark.ui.port": str(ui_port)} if ui_port is not None else {}),
            },
        )
        spark_home = spark_distribution()
        record = BatchRecord(
            id=self._next_id,
            file=file,
            name=request.name,
            owner=owner,
            proxy_user=spec.proxy_user,
            class_name=request.class_name,
            args=list(request.args),
            ui_port=ui_port,
        )
        self._next_id += 1
        run = BatchRun(record, self._store)
        self._batches[record.id] = run
        run.save()
        command = [str(spark_home / "bin" / "spark-submit"), *self._options(spec, record.id)]
        if request.class_name:
            command += ["--class", request.class_name]
        command += [file, *request.args]
        running = self._running_count()
        if running >= self._settings.max_batches:
            self._queued[record.id] = command
            run.log.note(
                f"queued: {running} batches are running, the gateway's limit (max_batches); "
                f"this one starts when one of them ends"
            )
            return run
        self._launch(run, command)
        return run

    def _ui_port(self, conf: dict[str, str]) -> int | None:
        """A free port for the batch's Spark UI, which ``/batches/{id}/ui/`` proxies; None with the UI off.

        The gateway picks it (over any ``spark.ui.port`` the request names): the UI is reached through the
        proxy, and a known port means the proxy never forwards to a port the application's log names.
        """
        given = {**self._settings.spark_conf, **conf}
        if given.get("spark.ui.enabled", "true").strip().lower() == "false":
            return None
        host = ui_bind_address(self._settings)
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, 0))
            return int(probe.getsockname()[1])

    def ui_target(self, run: BatchRun) -> str | None:
        """:return: the URL of a running batch's Spark UI on this host, or None when it has none now."""
        port = run.ui_port
        if port is None:
            return None
        host = ui_bind_address(self._settings)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def _running_count(self) -> int:
        return sum(1 for r in self._batches.values() if r.process is not None and not r.record.is_final)

    def _start_queued(self) -> None:
        """Start queued batches, oldest first, while there are free slots."""
        while self._queued and self._running_count() < self._settings.max_batches:
            batch_id = next(iter(self._queued))
            command = self._queued.pop(batch_id)
            run = self._batches.get(batch_id)
            if run is not None and not run.record.is_final:
                self._launch(run, command)

    def _launch(self, run: BatchRun, command: list[str]) -> None:
        record = run.record
        spark_home = spark_distribution()
        run.log.note(f"starting batch {record.id}: {mask_text(' '.join(command))}")
        try:
            run.process = BatchProcess.launch(
                command,
                env=self._environment(spark_home),
                cwd=self._store.run_dir(record.id),
                log_path=self._store.log_path(record.id),
                exit_file=self._store.exit_file(record.id),
            )
        except OSError as exc:
            run.finish("dead", f"could not start spark-submit: {exc}")
            return
        record.pid = run.process.pid
        run.save()
        run.log.note(f"batch process {record.pid} started")
        run.monitor = asyncio.create_task(self._watch(run), name=f"batch-{record.id}")

    def _options(self, spec: SparkJobSpec, batch_id: int) -> list[str]:
        settings = self._settings
        defaults = dict(settings.spark_conf)
        if "spark.eventLog.enabled" not in defaults and "spark.eventLog.enabled" not in spec.conf:
            # Spark prints the event log's path, which holds the application id, also in local mode
            # (where nothing else names it); the event log also lets a history server show the batch.
            event_dir = self._store.run_dir(batch_id) / "eventlog"
            event_dir.mkdir(parents=True, exist_ok=True)
            defaults.update({"spark.eventLog.enabled": "true", "spark.eventLog.dir": event_dir.as_uri()})
        return submit_args(
            spec,
            master=settings.master,
            deploy_mode=settings.deploy_mode,
            defaults=defaults,
            impersonation=settings.impersonation,
            secrets_file=self._secrets_file(batch_id),
        )

    def _secrets_file(self, batch_id: int) -> Path:
        return self._store.run_dir(batch_id) / "secret.properties"

    def _forget_secrets(self, batch_id: int) -> None:
        """Remove the batch's secret properties once its process is gone: nothing needs them any more."""
        self._secrets_file(batch_id).unlink(missing_ok=True)

    def _environment(self, spark_home: Path) -> dict[str, str]:
        python = self._settings.python or default_python()
        env = session_environment(os.environ)
        return {
            **env,
            "SPARK_HOME": str(spark_home),
            "PYSPARK_PYTHON": python,
            "PYSPARK_DRIVER_PYTHON": python,
            **ui_environment(self._settings),
        }

    def get(self, ref: str | int) -> BatchRun:
        """Find a batch by id, or by name (the newest batch of that name).

        :raises BatchNotFound: if there is none.
        """
        self.prune()
        text = str(ref)
        batch_id = parse_id(text)
        if batch_id is not None and batch_id in self._batches:
            return self._batches[batch_id]
        named = [r for r in self._batches.values() if r.record.name is not None and r.record.name == text]
        if named:
            return max(named, key=lambda r: r.record.id)
        raise BatchNotFound(f"Batch '{text}' not found")

    def list(self) -> list[BatchRun]:
        """:return: every known batch, by id."""
        self.prune()
        return [self._batches[k] for k in sorted(self._batches)]

    def prune(self) -> tuple[int, ...]:
        """Forget batches that finished more than ``batch_retention`` seconds ago (record, log and files).

        :return: the ids forgotten.
        """
        cutoff = now_ms() - int(self._settings.batch_retention * 1000)
        old = tuple(
            i for i, r in self._batches.items() if r.record.is_final and 0 < r.record.finished < cutoff
        )
        for batch_id in old:
            self._batches.pop(batch_id, None)
            self._store.delete(batch_id)
        return old

    async def delete(self, ref: str | int) -> None:
        """Kill a running batch (it stays listed as ``killed``); forget a finished one.

        :raises BatchNotFound: if there is no such batch.
        """
        run = self.get(ref)
        if run.record.is_final:
            self._batches.pop(run.record.id, None)
            self._store.delete(run.record.id)
            return
        if run.stopping:  # a second DELETE while the first one is stopping it
            return
        run.stopping = True
        if run.monitor is not None:
            run.monitor.cancel()
            await asyncio.gather(run.monitor, return_exceptions=True)
        run.log.note("killing the batch: deleted by a client")
        if run.process is None:
            self._queued.pop(run.record.id, None)
            run.finish("killed", "the batch was killed before its process started")
            return
        status = await run.process.shutdown()
        self._forget_secrets(run.record.id)
        ended = run.process.poll() or Ended(None)
        if status is ShutdownStatus.ALREADY_EXITED:  # it ended on its own just before: report that
            run.finish_from(ended.code)
        else:
            run.finish("killed", f"batch process stopped ({status.value})", ended.code)
        self._start_queued()
