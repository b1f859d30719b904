"""One session process seen from the gateway: launch, talk, stop.

The process runs in its own process group, so stopping it also stops the driver JVM that PySpark
started as its child: no orphans, even when the worker itself is wedged.
"""

from __future__ import annotations

import asyncio
import enum
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .process_tree import DescendantTracker
from .settings import ENV_PREFIX
from .worker_socket import connect_worker, peer_pid

__all__ = ["ShutdownStatus", "WorkerLaunch", "WorkerProcess"]


class ShutdownStatus(enum.Enum):
    """How a worker ended, for logs and tests."""

    NOT_STARTED = "not_started"
    ALREADY_EXITED = "already_exited"
    ASKED = "asked"  # it stopped Spark and exited when asked
    TERMINATED = "terminated"  # SIGTERM to the group was needed
    KILLED = "killed"  # SIGKILL to the group was needed


@dataclass(frozen=True)
class WorkerLaunch:
    """How to start one session process.

    :param python: interpreter to run the worker with.
    :param env: extra environment (``PYSPARK_SUBMIT_ARGS`` and friends).
    :param log_path: file that receives the process's stdout and stderr.
    :param cwd: working directory of the session (Spark writes spark-warehouse there).
    :param socket_path: the Unix socket the worker listens on.
    :param worker_args: extra worker command-line options.
    """

    python: str
    env: Mapping[str, str]
    log_path: Path
    cwd: Path
    socket_path: Path
    worker_args: tuple[str, ...] = field(default_factory=tuple)


class WorkerProcess:
    """A ``python -m sparkwire.gateway.worker`` and the socket to it.

    Either launched by this gateway, or re-attached after a restart (``pid`` given): then it is not
    our child, so its exit is seen by polling the pid and its exit code is unknown.
    """

    def __init__(self, launch: WorkerLaunch, pid: int | None = None) -> None:
        self._launch = launch
        self._proc: subprocess.Popen[bytes] | None = None
        self._attached_pid = pid
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.shutdown_status = ShutdownStatus.NOT_STARTED
        self.descendants: DescendantTracker | None = None

    @property
    def pid(self) -> int | None:
        """:return: the worker's process id (also its process group id), once launched."""
        return self._proc.pid if self._proc else self._attached_pid

    async def launch(self) -> None:
        """Start the process; :meth:`connect` then reaches it once it listens."""
        env = {**session_environment(os.environ), **self._launch.env}
        argv = [
            self._launch.python,
            "-m",
            "sparkwire.gateway.worker",
            "--socket",
            str(self._launch.socket_path),
            *self._launch.worker_args,
        ]
        self._launch.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._launch.cwd.mkdir(parents=True, exist_ok=True)
        # Opening a local file and forking are quick; doing them on the loop keeps launch ordering simple.
        with open(self._launch.log_path, "ab") as log:  # noqa: ASYNC230
            self._proc = subprocess.Popen(  # noqa: ASYNC220
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self._launch.cwd,
                start_new_session=True,
            )
        self.descendants = DescendantTracker(self._proc.pid)

    async def connect(self, timeout: float) -> bool:
        """Connect to the worker's socket (it listens shortly after start, or still does after a restart).

        :return: False when nobody listens there within ``timeout`` seconds or the process is gone.
        """
        streams = await connect_worker(self._launch.socket_path, timeout, lambda: self.poll() is None)
        if self._proc is None:
            # A stored pid may since belong to someone else: trust only the process behind the socket,
            # and signal nothing when no process answered there.
            self._attached_pid = peer_pid(streams[1]) if streams is not None else None
            if self._attached_pid is not None and self.descendants is None:
                self.descendants = DescendantTracker(self._attached_pid)
        if streams is None:
            return False
        self._reader, self._writer = streams
        return True

    async def send(self, message: Mapping[str, Any]) -> bool:
        """Send one message.

        :return: False when the process is gone (the caller treats the session as dead).
        """
        if self._writer is None or self._writer.is_closing():
            return False
        try:
            self._writer.write((json.dumps(message) + "\n").encode())
            await self._writer.drain()
            return True
        except (ConnectionError, OSError):
            return False

    async def receive(self) -> dict[str, Any] | None:
        """:return: the next event, or None once the process has closed the socket."""
        if self._reader is None:
            return None
        try:
            line = await self._reader.readline()
        except (ConnectionError, OSError, ValueError):
            return None
        if not line:
            return None
        try:
            event: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError:
            return {"ev": "garbled", "raw": line[:200].decode(errors="replace")}
        return event

    def poll(self) -> int | None:
        """:return: the exit code, or None while running (-1: a re-attached process ended, code unknown)."""
        if self._proc is not None:
            return self._proc.poll()
        if self._attached_pid is None:
            return None
        return None if _pid_alive(self._attached_pid) else -1

    async def wait(self, timeout: float) -> int | None:
        """Wait for the process to exit.

        :return: the exit code, or None if it still runs after ``timeout`` seconds.
        """
        if self._proc is None:
            deadline = time.monotonic() + timeout
            while (
                (code := self.poll()) is None
                and self._attached_pid is not None
                and time.monotonic() < deadline
            ):
                await asyncio.sleep(0.05)
            return code
        proc = self._proc
        try:
            return await asyncio.to_thread(proc.wait, timeout)
        except subprocess.TimeoutExpired:
            return None

    def detach(self) -> None:
        """Let go of the process without stopping it (recovery: a later gateway re-attaches)."""
        self.cleanup()

    def track_descendants(self) -> None:
        """Remember the processes the worker started, so they die with it even after leaving its group."""
        if self.descendants is not None:
            self.descendants.refresh()

    def signal_group(self, sig: signal.Signals) -> None:
        """Send ``sig`` to the worker and everything it started (its JVM)."""
        if self.pid is not None:
            signal_process_group(self.pid, sig)

    async def shutdown(self, budget: float = 10.0) -> ShutdownStatus:
        """Stop the process: ask, then SIGTERM, then SIGKILL, within ``budget`` seconds.

        The group is always SIGKILLed at the end, so a JVM that outlived its worker goes too, and so is
        every descendant seen, so a child that called ``setsid`` goes as well.
        """
        if self.pid is None:
            self.shutdown_status = ShutdownStatus.NOT_STARTED
            return self.shutdown_status
        self.track_descendants()  # before the worker exits: its orphans then leave its tree
        if self.poll() is not None:
            status = ShutdownStatus.ALREADY_EXITED
        elif await self.send({"op": "shutdown"}) and await self.wait(budget * 0.6) is not None:
            status = ShutdownStatus.ASKED
        else:
            self.signal_group(signal.SIGTERM)
            if await self.wait(budget * 0.3) is not None:
                status = ShutdownStatus.TERMINATED
            else:
                status = ShutdownStatus.KILLED
        self.signal_group(signal.SIGKILL)
        if self.descendants is not None:
            self.descendants.kill_all()
        await self.wait(budget * 0.1 + 1.0)
        self.cleanup()
        self.shutdown_status = status
        return status

    def cleanup(self) -> None:
        """Close the socket; safe to call more than once."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def signal_process_group(pgid: int, sig: signal.Signals) -> None:
    """Send ``sig`` to a process group we started; a group that is gone already is fine."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _pid_alive(pid: int) -> bool:
    """:return: True while ``pid`` exists and is not a zombie (a re-attached worker is not our child)."""
    if os.path.isdir("/proc/self"):
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
        except (OSError, IndexError):
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def session_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment a session process inherits: the gateway's own, minus its settings.

    User code runs in the session, so the gateway's settings (its auth token and password among them)
    must not be readable there.
    """
    return {k: v for k, v in environ.items() if not k.startswith(ENV_PREFIX) and k != "PYTHONSTARTUP"}


def default_python() -> str:
    """:return: the interpreter that runs the gateway, used for workers unless configured."""
    return sys.executable
