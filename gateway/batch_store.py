"""A batch's folder: its record, so batches can be found again after a gateway restart, and its log.

Layout under the gateway's ``work_dir``::

    batches/<id>/batch.json   the record (rewritten atomically on every change)
    batches/<id>/batch.log    spark-submit's output plus the gateway's notes
    batches/<id>/exit_code    written by the launch wrapper when spark-submit ends
    batches/<id>/run/         the process's working directory (event log, spark-warehouse)

Unlike session ids, batch ids are never reused: a new gateway continues after the highest id on
disk, so an id a client kept (Airflow's Livy operator lost its ids) still means the same batch.

:class:`LogScanner` reads the application id, the Spark UI address and the start of the SparkContext
from spark-submit's output as it grows (``batches.BatchRun`` ties a record, its log and its process).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = ["FINAL_BATCH_STATES", "BatchRecord", "BatchStore", "LogScanner", "now_ms"]

log = logging.getLogger("sparkwire.gateway")

FINAL_BATCH_STATES = frozenset({"success", "dead", "killed"})


def now_ms() -> int:
    """:return: the wall-clock time in epoch milliseconds (records outlive the process, so not monotonic)."""
    return int(time.time() * 1000)


@dataclass
class BatchRecord:
    """What the gateway knows about one batch; the JSON on disk has exactly these fields.

    :param id: the batch id, unique across gateway runs on the same ``work_dir``.
    :param file: the application as spark-submit received it (local paths resolved).
    :param state: ``starting``, ``running``, ``success``, ``dead`` or ``killed``.
    :param pid: the launch wrapper's pid, which is also the process group id; None before launch.
    :param spark_ui_url: the UI address the driver logged (its own, not reachable from elsewhere).
    :param ui_port: the port the gateway gave the driver's UI (``spark.ui.port``); None with the UI off.
    :param exit_code: spark-submit's exit code once known; None while running or when unknowable.
    :param created: epoch ms of the request; ``finished`` likewise, 0 while running.
    """

    id: int
    file: str
    name: str | None = None
    owner: str | None = None
    proxy_user: str | None = None
    class_name: str | None = None
    args: list[str] = field(default_factory=list)
    state: str = "starting"
    app_id: str | None = None
    spark_ui_url: str | None = None
    ui_port: int | None = None
    pid: int | None = None
    exit_code: int | None = None
    created: int = field(default_factory=now_ms)
    finished: int = 0

    @property
    def is_final(self) -> bool:
        """:return: True once the batch has ended."""
        return self.state in FINAL_BATCH_STATES

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BatchRecord:
        """:return: a record from its JSON, ignoring keys a later version may have added."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class BatchStore:
    """Reads and writes batch records under ``<work_dir>/batches``.

    :param work_dir: the gateway's work directory.
    """

    def __init__(self, work_dir: Path) -> None:
        self.root = work_dir / "batches"

    def folder(self, batch_id: int) -> Path:
        """:return: the folder of one batch (created on first save)."""
        return self.root / str(batch_id)

    def log_path(self, batch_id: int) -> Path:
        """:return: the batch's log file."""
        return self.folder(batch_id) / "batch.log"

    def exit_file(self, batch_id: int) -> Path:
        """:return: the file the launch wrapper writes spark-submit's exit code to."""
        return self.folder(batch_id) / "exit_code"

    def run_dir(self, batch_id: int) -> Path:
        """:return: the working directory of the batch's process."""
        return self.folder(batch_id) / "run"

    def save(self, record: BatchRecord) -> None:
        """Write a record atomically: a reader (or a crash) never sees half a file."""
        folder = self.folder(record.id)
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / "batch.json.tmp"
        temporary.write_text(json.dumps(asdict(record), indent=1), encoding="utf-8")
        os.replace(temporary, folder / "batch.json")

    def load_all(self) -> list[BatchRecord]:
        """:return: every readable record, by id; unreadable ones are logged and skipped."""
        records = []
        for path in sorted(self.root.glob("*/batch.json")):
            try:
                records.append(BatchRecord.from_json(json.loads(path.read_text(encoding="utf-8"))))
            except (OSError, ValueError, TypeError) as exc:
                log.warning("skipping unreadable batch record %s: %s", path, exc)
        return sorted(records, key=lambda r: r.id)

    def next_id(self) -> int:
        """:return: one more than the highest id ever stored (folders count even without a record)."""
        ids = [int(p.name) for p in self.root.glob("*") if p.is_dir() and p.name.isdigit()]
        return max(ids, default=-1) + 1

    def read_exit_code(self, batch_id: int) -> int | None:
        """:return: the exit code the wrapper recorded, or None if it did not (yet)."""
        try:
            return int(self.exit_file(batch_id).read_text().strip())
        except (OSError, ValueError):
            return None

    def delete(self, batch_id: int) -> None:
        """Forget a batch: its record, log and scratch files."""
        shutil.rmtree(self.folder(batch_id), ignore_errors=True)


# -- the log -----------------------------------------------------------------------------------
_APP_ID = re.compile(
    r"(?<![A-Za-z0-9])(application_\d+_\d+|app-\d{14}-\d{4,}|local-\d{10,}|spark-[0-9a-f]{32})"
    r"(?![0-9A-Za-z])"
)
_UI_URL = re.compile(r"Bound SparkUI to \S+, and started at (https?://\S+)")
_UI_PORT = re.compile(r"Successfully started service '?SparkUI'? on port (\d+)")
_DRIVER_HOST = re.compile(r"Server created on ([^\s:]+):\d+")
_CONTEXT_UP = re.compile(r"SparkContext: Running Spark version")


class LogScanner:
    """Reads a batch log as it grows and picks out the application id and Spark UI address."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset = 0
        self._driver_host: str | None = None
        self.ui_port: int | None = None
        self.app_id: str | None = None
        self.spark_ui_url: str | None = None
        self.context_started = False

    @property
    def done(self) -> bool:
        """:return: True once there is nothing more to learn from the log."""
        return self.app_id is not None and self.spark_ui_url is not None and self.ui_port is not None

    def scan(self) -> None:
        """Read the complete lines written since the last call."""
        try:
            with open(self._path, "rb") as log_file:
                log_file.seek(self._offset)
                chunk = log_file.read(4 * 1024 * 1024)
        except OSError:
            return
        end = chunk.rfind(b"\n") + 1
        if end == 0 and len(chunk) == 4 * 1024 * 1024:
            end = len(chunk)  # one enormous line: skip it rather than read it again forever
        self._offset += end
        for line in chunk[:end].decode(errors="replace").splitlines():
            self._line(line)

    def _line(self, line: str) -> None:
        if line[19:31] == " sparkwire: ":
            return  # the gateway's own notes (they may quote paths that look like ids)
        if self.app_id is None and (match := _APP_ID.search(line)):
            self.app_id = match.group(1)
        self.context_started = self.context_started or bool(_CONTEXT_UP.search(line))
        if self.ui_port is None and (match := _UI_PORT.search(line)):
            self.ui_port = int(match.group(1))
        if self.spark_ui_url is None:
            if match := _UI_URL.search(line):
                self.spark_ui_url = match.group(1)
            elif match := _DRIVER_HOST.search(line):
                self._driver_host = match.group(1)
            if self.spark_ui_url is None and self.ui_port and self._driver_host:
                self.spark_ui_url = f"http://{self._driver_host}:{self.ui_port}"
