"""The engine's front: run a cell in a named session, with start view, progress bar, cancel and rendering.

Both front doors use :class:`Engine`: the Remote PySpark kernel (one session) and the ``%spark``
magics (several named sessions). It never raises for a failure the user should see; it returns a
:class:`CellResult` whose ``error`` is either the remote exception or a one-message
:class:`~.errors.ErrorReport` of what went wrong here, so each front door only has to show it (the
kernel as an error reply, the magics by raising).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sparkwire.livy import LivyError, Output, SessionKind, Statement

from .config import SparkwireConfig, load_config
from .display import DisplaySink, NullSink
from .endpoints import ClientFactory, make_client
from .errors import EngineError, ErrorReport, SessionLost, describe_error
from .execution import execute
from .progress import SessionStartView, StatementProgress
from .registry import SessionRegistry
from .rendering import ErrorInfo, RenderedOutput, render_output

__all__ = ["CellResult", "Engine", "report_to_error"]


def report_to_error(report: ErrorReport) -> ErrorInfo:
    """Turn an engine failure into an error as Jupyter shows it: no Python traceback, just the message.

    :param report: the failure.
    :return: the error; its ``traceback`` is the message's lines, the first prefixed by the name.
    """
    lines = report.message.splitlines() or [""]
    return ErrorInfo(report.ename, report.message, (f"{report.ename}: {lines[0]}", *lines[1:]))


@dataclass(frozen=True)
class CellResult:
    """The outcome of :meth:`Engine.run`.

    :param rendered: what to show: stdout text, rich bundle, remote error.
    :param output: the raw Livy output, if the statement finished (for ``-o VAR`` and the like).
    :param failure: what went wrong outside the remote code (unreachable, lost session, interrupt...).
    :param session_id: the session the code ran in, if one was started.
    :param statement_id: the statement, if one was submitted.
    """

    rendered: RenderedOutput = field(default_factory=RenderedOutput)
    output: Output | None = None
    failure: ErrorReport | None = None
    session_id: int | None = None
    statement_id: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the code ran and did not raise."""
        return self.failure is None and self.rendered.error is None

    @property
    def error(self) -> ErrorInfo | None:
        """The error to show (remote exception or engine failure), or ``None``."""
        if self.failure is not None:
            return report_to_error(self.failure)
        return self.rendered.error


class Engine:
    """Configuration, the session registry, and running code with progress and cancellation.

    :param config: the configuration; see :meth:`from_environment` to read it from files and environment.
    :param client_factory: builds Livy clients (tests inject faults here).
    """

    def __init__(self, config: SparkwireConfig, *, client_factory: ClientFactory = make_client) -> None:
        self._config = config
        self._registry = SessionRegistry(config, client_factory=client_factory)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Engine:
        """Build an engine from the config file and environment (:func:`~.config.load_config`).

        :param environ: the environment; ``os.environ`` by default.
        :return: the engine.
        :raises ConfigError: if the configuration is invalid.
        """
        return cls(load_config(environ))

    @property
    def config(self) -> SparkwireConfig:
        """The configuration."""
        return self._config

    @property
    def registry(self) -> SessionRegistry:
        """The named sessions."""
        return self._registry

    def start(self, name: str, *, sink: DisplaySink | None = None) -> int:
        """Start the named session if it has no remote session, showing its progress in ``sink``.

        :param name: the registered name.
        :param sink: where to show the start view.
        :return: the session id.
        :raises LivyError: or :class:`EngineError` if it could not start.
        """
        handle = self._registry.get(name)
        if handle.session_id is not None:
            return handle.session_id
        view = SessionStartView(sink or NullSink(), where=handle.endpoint.url)
        try:
            handle = self._registry.ensure_started(
                name, on_update=view.update, timeout=self._config.kernel.session_start_timeout)
        except BaseException:
            view.finish(None)
            raise
        view.finish(handle.last)
        assert handle.session_id is not None
        return handle.session_id

    def run(
        self,
        name: str,
        code: str,
        *,
        kind: SessionKind | str | None = None,
        sink: DisplaySink | None = None,
        sql: bool = False,
    ) -> CellResult:
        """Run code in the named session, starting it first if needed.

        :param name: the registered session name.
        :param code: the code.
        :param kind: the statement's language; ``None`` for the session's kind.
        :param sink: where the start view and the progress bar are drawn.
        :param sql: the statement runs in Livy's SQL interpreter: render its JSON result as a table.
        :return: the result; failures are in it, not raised.
        """
        target = sink or NullSink()
        session_id: int | None = None
        statement_id: list[int] = []
        try:
            session_id = self.start(name, sink=target)
            progress = StatementProgress(target, mode=self._config.kernel.progress)

            def on_progress(statement: Statement) -> None:
                if not statement_id:
                    statement_id.append(statement.id)
                progress.update(statement)

            client = self._registry.client(self._registry.get(name).endpoint)
            try:
                output = execute(client, session_id, code, kind=kind, on_progress=on_progress,
                                 timeout=self._config.kernel.statement_timeout)
            finally:
                progress.close()
        except SessionLost as exc:
            self._registry.forget(name)
            return CellResult(failure=describe_error(exc), session_id=session_id)
        except (EngineError, LivyError) as exc:
            return CellResult(failure=describe_error(exc), session_id=session_id,
                              statement_id=statement_id[0] if statement_id else None)
        return CellResult(rendered=render_output(output, sql=sql), output=output, session_id=session_id,
                          statement_id=statement_id[0] if statement_id else None)

    def complete(self, name: str, code: str, cursor: int, *, kind: SessionKind | str | None = None) -> list[str]:
        """Completion candidates from the named session; never starts a session, never raises.

        :param name: the registered session name.
        :param code: the code being edited.
        :param cursor: the cursor's offset in ``code``.
        :param kind: the language; the session's kind (else pyspark) by default.
        :return: the candidates; empty if the session is not started or the request failed.
        """
        if name not in self._registry:
            return []
        handle = self._registry.get(name)
        if handle.session_id is None:
            return []
        language: Any = kind or handle.kind or SessionKind.PYSPARK
        if language is SessionKind.SHARED:
            language = SessionKind.PYSPARK
        try:
            client = self._registry.client(handle.endpoint)
            candidates: list[str] = client.complete(handle.session_id, code, language, cursor, timeout=5.0)
        except (LivyError, EngineError):
            return []
        return candidates

    def close(self, *, keep_sessions: bool | None = None) -> list[tuple[str, LivyError]]:
        """Delete the sessions this engine created and close its clients.

        :param keep_sessions: leave sessions running; ``None`` follows ``kernel.keep_session_on_shutdown``.
        :return: ``(name, error)`` for each session that could not be deleted.
        """
        keep = self._config.kernel.keep_session_on_shutdown if keep_sessions is None else keep_sessions
        return self._registry.close(keep_sessions=keep)
