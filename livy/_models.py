"""Livy's REST objects as frozen dataclasses (their enums live in ``_states``).

Each model has one ``from_json`` classmethod: the only place where Livy's camelCase meets our
snake_case. Parsing accepts anything Livy 0.5–0.9 (or sparkwire's gateway) sends: absent optional
keys (0.5 has no ``name``, ``progress``, ``started``, ``completed``), extra keys, and states added by
later versions (they parse as ``UNKNOWN`` instead of failing). A missing required key (``id``,
``state``) or a value of the wrong type raises ``KeyError``/``TypeError``/``ValueError``, which the
client turns into :class:`~sparkwire.livy.InvalidResponse`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ._errors import SessionId, StatementFailed
from ._states import (
    FINAL_STATEMENT_STATES,
    FINAL_STATES,
    READY_STATES,
    BatchState,
    OutputStatus,
    SessionKind,
    SessionState,
    StatementState,
)

__all__ = [
    "AppInfo",
    "Batch",
    "BatchList",
    "Output",
    "Session",
    "SessionList",
    "SessionLog",
    "Statement",
    "StatementList",
]

JsonObject = Mapping[str, Any]


def _opt_str(data: JsonObject, key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def _str_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise TypeError(f"expected a list of strings, got {type(value).__name__}")
    return tuple(str(item) for item in value)


def _epoch_ms(value: Any) -> datetime | None:
    # Livy sends epoch milliseconds, and 0 for "not yet".
    if value is None or value == 0:
        return None
    return datetime.fromtimestamp(float(value) / 1000.0, tz=timezone.utc)


def _mapping(value: Any) -> JsonObject:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a JSON object, got {type(value).__name__}")
    return value


@dataclass(frozen=True)
class AppInfo:
    """Links to the Spark application of a session or batch (``appInfo``); absent values are ``None``.

    :param driver_log_url: ``driverLogUrl``.
    :param spark_ui_url: ``sparkUiUrl``.
    :param extra: other keys, such as 0.9's ``executorLogUrls``.
    """

    driver_log_url: str | None = None
    spark_ui_url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> AppInfo:
        """:param data: the ``appInfo`` object, or ``None``. :return: the model."""
        info = _mapping(data)
        known = ("driverLogUrl", "sparkUiUrl")
        return cls(
            driver_log_url=_opt_str(info, "driverLogUrl"),
            spark_ui_url=_opt_str(info, "sparkUiUrl"),
            extra={key: value for key, value in info.items() if key not in known},
        )


def _job_fields(data: JsonObject) -> dict[str, Any]:
    """The fields Livy's Session and Batch objects share, in our names."""
    return {
        "name": _opt_str(data, "name"),
        "app_id": _opt_str(data, "appId"),
        "owner": _opt_str(data, "owner"),
        "proxy_user": _opt_str(data, "proxyUser"),
        "app_info": AppInfo.from_json(data.get("appInfo")),
        "log": _str_tuple(data.get("log")),
    }


@dataclass(frozen=True)
class Session:
    """An interactive session (``GET /sessions/{id}``).

    :param id: the session id.
    :param state: the session state.
    :param kind: the session kind; ``None`` if absent or unknown.
    :param name: the name (Livy 0.6+), or ``None``.
    :param app_id: the Spark application id, ``None`` until known.
    :param owner: the authenticated user who created it.
    :param proxy_user: the user it runs as.
    :param app_info: links to the driver log and Spark UI.
    :param log: the last lines of the session log.
    """

    id: int
    state: SessionState
    kind: SessionKind | None = None
    name: str | None = None
    app_id: str | None = None
    owner: str | None = None
    proxy_user: str | None = None
    app_info: AppInfo = field(default_factory=AppInfo)
    log: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: JsonObject) -> Session:
        """:param data: a Livy Session object. :return: the model."""
        return cls(
            id=int(data["id"]),
            state=SessionState(data["state"]),
            kind=SessionKind.parse(data.get("kind")),
            **_job_fields(data),
        )

    @property
    def is_ready(self) -> bool:
        """Whether the session is idle, ready to run a statement."""
        return self.state in READY_STATES

    @property
    def is_final(self) -> bool:
        """Whether the session has ended for good."""
        return self.state in FINAL_STATES


@dataclass(frozen=True)
class SessionList:
    """A page of ``GET /sessions``.

    :param from_: the offset of the first session.
    :param total: the number of all sessions (not only this page's).
    :param sessions: the sessions of this page.
    """

    from_: int
    total: int
    sessions: tuple[Session, ...]

    @classmethod
    def from_json(cls, data: JsonObject) -> SessionList:
        """:param data: the list response. :return: the model."""
        sessions = tuple(Session.from_json(item) for item in data.get("sessions") or ())
        return cls(
            from_=int(data.get("from", 0)), total=int(data.get("total", len(sessions))), sessions=sessions
        )


@dataclass(frozen=True)
class Batch:
    """A batch job (``GET /batches/{id}``); fields as for :class:`Session`.

    :param id: the batch id.
    :param state: the batch state.
    :param name: the name (Livy 0.6+), or ``None``.
    :param app_id: the Spark application id, ``None`` until known.
    :param owner: the authenticated user who created it.
    :param proxy_user: the user it runs as.
    :param app_info: links to the driver log and Spark UI.
    :param log: the last lines of the batch log.
    """

    id: int
    state: BatchState
    name: str | None = None
    app_id: str | None = None
    owner: str | None = None
    proxy_user: str | None = None
    app_info: AppInfo = field(default_factory=AppInfo)
    log: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: JsonObject) -> Batch:
        """:param data: a Livy Batch object. :return: the model."""
        return cls(
            id=int(data["id"]),
            state=BatchState(data["state"]),
            **_job_fields(data),
        )

    @property
    def is_final(self) -> bool:
        """Whether the batch has ended."""
        return self.state in FINAL_STATES


@dataclass(frozen=True)
class BatchList:
    """A page of ``GET /batches`` (Livy calls the list ``sessions``).

    :param from_: the offset of the first batch.
    :param total: the number of all batches.
    :param batches: the batches of this page.
    """

    from_: int
    total: int
    batches: tuple[Batch, ...]

    @classmethod
    def from_json(cls, data: JsonObject) -> BatchList:
        """:param data: the list response. :return: the model."""
        batches = tuple(Batch.from_json(item) for item in data.get("sessions") or ())
        return cls(
            from_=int(data.get("from", 0)), total=int(data.get("total", len(batches))), batches=batches
        )


@dataclass(frozen=True)
class Output:
    """The ``output`` of a finished statement: MIME data on success, the remote exception on failure.

    :param status: ok or error.
    :param execution_count: the statement's execution count (its id), if sent.
    :param data: MIME type → value (``text/plain``, ``application/json``, ``image/png``, ...).
    :param ename: the exception class name, on error.
    :param evalue: the exception message, on error.
    :param traceback: the traceback lines, on error.
    """

    status: OutputStatus
    execution_count: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    ename: str | None = None
    evalue: str | None = None
    traceback: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: JsonObject) -> Output:
        """:param data: a Livy output object. :return: the model."""
        count = data.get("execution_count")
        return cls(
            status=OutputStatus(data.get("status")),
            execution_count=None if count is None else int(count),
            data=dict(_mapping(data.get("data"))),
            ename=_opt_str(data, "ename"),
            evalue=_opt_str(data, "evalue"),
            traceback=_str_tuple(data.get("traceback")),
        )

    @property
    def ok(self) -> bool:
        """Whether the statement succeeded."""
        return self.status is OutputStatus.OK

    @property
    def text(self) -> str | None:
        """The ``text/plain`` value, if any."""
        value = self.data.get("text/plain")
        return value if isinstance(value, str) else None

    def raise_for_status(
        self, *, url: str | None = None, session_id: SessionId | None = None, statement_id: int | None = None
    ) -> None:
        """Raise :class:`StatementFailed` if the statement failed; do nothing if it succeeded.

        :param url: the statement's URL, for the error's context.
        :param session_id: the session, for the error's context.
        :param statement_id: the statement, for the error's context.
        :raises StatementFailed: carrying ``ename``, ``evalue`` and ``traceback``.
        """
        if self.ok:
            return
        ename = self.ename or "Error"
        evalue = self.evalue or ""
        where = "The statement" if statement_id is None else f"Statement {statement_id}"
        if session_id is not None:
            where += f" in session {session_id}"
        raise StatementFailed(
            f"{where} failed: {ename}: {evalue}" if evalue else f"{where} failed: {ename}",
            url=url,
            session_id=session_id,
            ename=ename,
            evalue=evalue,
            traceback=self.traceback,
            statement_id=statement_id if statement_id is not None else self.execution_count,
        )


@dataclass(frozen=True)
class Statement:
    """A statement of a session (``GET /sessions/{id}/statements/{sid}``).

    :param id: the statement id.
    :param state: the statement state.
    :param code: the code (absent on some old servers: ``""``).
    :param output: the output, ``None`` until the statement is done.
    :param progress: 0.0–1.0, ``None`` if the server does not report it.
    :param started: when it started running (Livy 0.6+), ``None`` if not yet.
    :param completed: when it finished (Livy 0.6+), ``None`` if not yet.
    """

    id: int
    state: StatementState
    code: str = ""
    output: Output | None = None
    progress: float | None = None
    started: datetime | None = None
    completed: datetime | None = None

    @classmethod
    def from_json(cls, data: JsonObject) -> Statement:
        """:param data: a Livy Statement object. :return: the model."""
        output = data.get("output")
        progress = data.get("progress")
        return cls(
            id=int(data["id"]),
            state=StatementState(data["state"]),
            code=str(data.get("code") or ""),
            output=None if output is None else Output.from_json(_mapping(output)),
            progress=None if progress is None else float(progress),
            started=_epoch_ms(data.get("started")),
            completed=_epoch_ms(data.get("completed")),
        )

    @property
    def is_final(self) -> bool:
        """Whether the statement will not change again."""
        return self.state in FINAL_STATEMENT_STATES

    @property
    def duration(self) -> timedelta | None:
        """How long it ran, if the server reported both ``started`` and ``completed``."""
        if self.started is None or self.completed is None:
            return None
        return self.completed - self.started


@dataclass(frozen=True)
class StatementList:
    """``GET /sessions/{id}/statements``.

    :param total: the number of statements Livy still holds (``total_statements``).
    :param statements: the statements.
    """

    total: int
    statements: tuple[Statement, ...]

    @classmethod
    def from_json(cls, data: JsonObject) -> StatementList:
        """:param data: the list response. :return: the model."""
        statements = tuple(Statement.from_json(item) for item in data.get("statements") or ())
        return cls(total=int(data.get("total_statements", len(statements))), statements=statements)


@dataclass(frozen=True)
class SessionLog:
    """A slice of a session's or batch's log (``GET /sessions/{id}/log``, ``GET /batches/{id}/log``).

    :param id: the session or batch id.
    :param from_: the offset of the first line.
    :param total: the number of lines in the whole log.
    :param lines: the lines of the slice.
    """

    id: int
    from_: int
    total: int
    lines: tuple[str, ...]

    @classmethod
    def from_json(cls, data: JsonObject) -> SessionLog:
        """:param data: the log response. :return: the model."""
        lines = _str_tuple(data.get("log"))
        return cls(
            id=int(data["id"]),
            from_=int(data.get("from", 0)),
            total=int(data.get("total", len(lines))),
            lines=lines,
        )
