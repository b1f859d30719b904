"""The engine's front: run a cell in a named session, with start view, progress bar, cancel and rendering.

Both front doors use :class:`Engine`: the Remote PySpark kernel (one session) and the ``%spark``
magics (several named sessions). It never raises for a failure the user should see; it returns a
result whose one ``error`` is either the remote exception or a one-message error of what went wrong
here (:func:`~.errors.report_to_error`), so each front door only has to show it (the kernel as an
error reply, the magics by raising).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from sparkwire.livy import LivyError, Output, SessionKind, Statement

from .background_start import BackgroundStart
from .config import SparkwireConfig, load_config
from .display import DisplaySink, NullSink
from .endpoints import ClientFactory, make_client
from .errors import EngineError, ExecutionInterrupted, SessionLost, describe_error, report_to_error
from .execution import ProgressCallback, execute
from .frames import SendOutcome, SqlResult, spark_message
from .jobs import fetch_statement_jobs
from .jobs_view import StatementView
from .languages import completion_kind, runs_python
from .last_value import augment, take_marker
from .notices import ConnectionNotice
from .progress import SessionStartView, StatementProgress
from .registry import SessionRegistry
from .rendering import ErrorInfo, RenderedOutput, render_output

if TYPE_CHECKING:
    import pandas as pd

    from .sql.query import SqlQuery
    from .sql.transfer import QueryResult, SqlTransfer

__all__ = ["CellResult", "Engine"]

T = TypeVar("T")


@dataclass(frozen=True)
class CellResult:
    """The outcome of :meth:`Engine.run`.

    :param rendered: what to show: stdout text, rich bundle, remote error.
    :param output: the raw Livy output, if the statement finished (for ``-o VAR`` and the like).
    :param error: the error to show: the remote exception (``rendered.error``), or what went wrong
        outside the remote code (unreachable, lost session, interrupt...).
    :param session_id: the session the code ran in, if one was started.
    :param statement_id: the statement, if one was submitted.
    :param frame: the DataFrame the cell ended with, fetched as a table (``show_dataframe``); its
        bundle is ``rendered.bundle``.
    """

    rendered: RenderedOutput = field(default_factory=RenderedOutput)
    output: Output | None = None
    error: ErrorInfo | None = None
    session_id: int | None = None
    statement_id: int | None = None
    frame: QueryResult | None = None

    @property
    def ok(self) -> bool:
        """Whether the code ran and did not raise."""
        return self.error is None


class Engine:
    """Configuration, the session registry, and running code with progress and cancellation.

    :param config: the configuration; see :meth:`from_environment` to read it from files and environment.
    :param client_factory: builds Livy clients (tests inject faults here).
    """

    def __init__(self, config: SparkwireConfig, *, client_factory: ClientFactory = make_client) -> None:
        self._config = config
        self._registry = SessionRegistry(config, client_factory=client_factory)
        self._transfer: SqlTransfer | None = None
        self._background: dict[str, BackgroundStart] = {}

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
        background = self._background.pop(name, None)
        if background is not None:
            early = self._join_background(background, sink or NullSink(), where=handle.endpoint.url)
            if early is not None:
                return early
        view = SessionStartView(sink or NullSink(), where=handle.endpoint.url)
        try:
            handle = self._registry.ensure_started(
                name, on_update=view.update, timeout=self._config.kernel.session_start_timeout
            )
        except BaseException:
            view.finish(None)
            raise
        view.finish(handle.last)
        assert handle.session_id is not None
        return handle.session_id

    def start_in_background(self, name: str) -> None:
        """Start the named session in a background thread (``kernel.start_session: "on_kernel_start"``);
        the first :meth:`start` or :meth:`run` of that name waits only for what is left.

        :param name: the registered name; nothing happens if it has a session or is starting already.
        """
        if self._registry.get(name).session_id is not None or name in self._background:
            return
        background = BackgroundStart(self._registry, name, self._config.kernel.session_start_timeout)
        self._background[name] = background
        background.begin()

    def starting_in_background(self, name: str) -> bool:
        """:return: True while the named session is starting in the background, not yet claimed by a cell."""
        return name in self._background

    def _join_background(self, background: BackgroundStart, sink: DisplaySink, *, where: str) -> int | None:
        """Wait for a background start, showing it as the cell's start view.

        :return: the session id, or None when the background start failed (the caller starts anew, so a
            gateway that was not up yet when the kernel started is no reason for the cell to fail).
        """
        view = SessionStartView(sink, where=where, since=background.started_at)
        try:
            background.wait(view.update)
        except KeyboardInterrupt:
            self._background[background.name] = background  # it goes on starting: the next cell waits again
            view.finish(None)
            raise ExecutionInterrupted(
                "Interrupted while waiting for the session started with the kernel; it goes on starting, "
                "and the next cell waits for it.",
                statement_id=None,
                cancelled=True,
            ) from None
        handle = self._registry.get(background.name)
        if background.error is None and handle.session_id is not None:
            view.finish(handle.last)
            return handle.session_id
        view.finish(None)
        return None

    def run(
        self,
        name: str,
        code: str,
        *,
        kind: SessionKind | str | None = None,
        sink: DisplaySink | None = None,
        sql: bool = False,
        show_dataframe: bool = False,
        verbose: bool | None = None,
    ) -> CellResult:
        """Run code in the named session, starting it first if needed.

        :param name: the registered session name.
        :param code: the code.
        :param kind: the statement's language; ``None`` for the session's kind.
        :param sink: where the start view and the progress bar are drawn.
        :param sql: the statement runs in Livy's SQL interpreter: render its JSON result as a table.
        :param show_dataframe: a Python cell ending with a Spark DataFrame shows it as a typed table
            (:data:`~.sql.query.DISPLAY_MAX_ROWS` rows, with the truncation notice) instead of its
            ``DataFrame[...]`` repr; the cell still runs once (see :mod:`.last_value`).
        :param verbose: a remote error keeps PySpark, py4j and JVM frames; ``None`` follows
            ``kernel.verbose_errors``.
        :return: the result; failures are in it, not raised.
        """
        target = sink or NullSink()
        typed = code
        verbose = self._config.kernel.verbose_errors if verbose is None else verbose
        session_id: int | None = None
        statement_id: list[int] = []
        last = augment(code) if show_dataframe and not sql and self._runs_python(name, kind) else None
        if last is not None:
            code = last.code
        try:
            session_id = self.start(name, sink=target)
            client = self._registry.client(self._registry.get(name).endpoint)
            started = session_id
            progress = StatementView(
                target,
                lambda sid: fetch_statement_jobs(client, started, sid),
                mode=self._config.kernel.progress,
            )

            def on_progress(statement: Statement) -> None:
                if not statement_id:
                    statement_id.append(statement.id)
                progress.update(statement)

            try:
                output = execute(
                    client,
                    session_id,
                    code,
                    kind=kind,
                    on_progress=on_progress,
                    timeout=self._config.kernel.statement_timeout,
                    on_notice=ConnectionNotice(target),
                )
            finally:
                progress.close()
        except SessionLost as exc:
            self._registry.forget(name)
            return CellResult(error=report_to_error(describe_error(exc)), session_id=session_id)
        except (EngineError, LivyError) as exc:
            return CellResult(
                error=report_to_error(describe_error(exc)),
                session_id=session_id,
                statement_id=statement_id[0] if statement_id else None,
            )
        statement = statement_id[0] if statement_id else None
        text, found = (
            take_marker(output.text, last.marker) if last is not None and output.ok else (None, False)
        )
        if last is None or not found:
            rendered = render_output(output, sql=sql, code=typed, verbose=verbose)
            return CellResult(
                rendered=rendered,
                output=output,
                error=rendered.error,
                session_id=session_id,
                statement_id=statement,
            )
        output = dataclasses.replace(output, data={**output.data, "text/plain": text})
        # A plain cell has no -n flag, so the truncation notice names none.
        shown = self._fetch_frame(name, _variable_query(last.variable), target, fetch_all_hint="")
        rendered = dataclasses.replace(render_output(output), bundle=shown.bundle, error=shown.error)
        return CellResult(
            rendered=rendered,
            output=output,
            error=shown.error,
            session_id=session_id,
            statement_id=statement,
            frame=shown.result,
        )

    def _runs_python(self, name: str, kind: SessionKind | str | None) -> bool:
        """Whether a statement of ``kind`` in the named session is Python (pyspark or shared session)."""
        if kind is None and name not in self._registry:
            return False
        return runs_python(self._registry.get(name).kind if name in self._registry else None, kind)

    # DataFrames

    @property
    def transfer(self) -> SqlTransfer:
        """The SQL transfer all front doors share: one per engine, so each session is probed once."""
        if self._transfer is None:
            from .sql.transfer import SqlTransfer  # pandas and pyarrow load when first needed

            self._transfer = SqlTransfer(timeout=self._config.kernel.statement_timeout)
        return self._transfer

    def sql(self, name: str, query: SqlQuery, *, sink: DisplaySink | None = None) -> SqlResult:
        """Run a query (or read a remote DataFrame variable, or the last value) into pandas, typed.

        :param name: the registered session name (started if needed).
        :param query: what to fetch: :class:`~.sql.query.SqlQuery`.
        :param sink: where the start view, the progress bar and ``widgets_available`` come from.
        :return: the frame and its bundle; a failing query's Spark message is in ``error``; failures
            here in ``failure``; ``result`` is ``None`` for a last value that is not a DataFrame.
        """
        return self._fetch_frame(name, query, sink or NullSink())

    def dataframe_of_last_expression(
        self, name: str, text: str | None, query: SqlQuery | None = None, *, sink: DisplaySink | None = None
    ) -> SqlResult:
        """Fetch the DataFrame a cell's text shows as its last line (``DataFrame[a: int]``), if it does.

        For code run without ``show_dataframe`` (the magics keep sparkmagic's text output). One
        statement, only when the text ends with a DataFrame's repr, reading the REPL's ``_``.

        :param name: the registered session name.
        :param text: the cell's ``text/plain``.
        :param query: options (``max_rows``, sampling) for :meth:`~.sql.query.SqlQuery.from_last_value`.
        :param sink: as for :meth:`sql`.
        :return: as :meth:`sql`; ``result`` is ``None`` when the text shows no DataFrame.
        """
        from .sql.query import SqlQuery, dataframe_repr_line

        line = dataframe_repr_line(text)
        if line is None:
            return SqlResult()
        options = (
            {}
            if query is None
            else {
                "max_rows": query.max_rows,
                "sample_method": query.sample_method,
                "sample_fraction": query.sample_fraction,
            }
        )
        return self.sql(name, SqlQuery.from_last_value(line, **options), sink=sink)

    def send_to_spark(
        self,
        name: str,
        value: pd.DataFrame | str,
        var_name: str,
        *,
        kind: Literal["df", "str"] = "df",
        max_rows: int = -1,
        sink: DisplaySink | None = None,
    ) -> SendOutcome:
        """Send a local pandas DataFrame (as a Spark DataFrame) or a string to the session as ``var_name``.

        Any content travels intact (quotes, newlines, NUL, Unicode; see :mod:`.sql.send`).

        :param name: the registered session name (started if needed).
        :param value: the DataFrame (``kind="df"``) or string (``kind="str"``).
        :param var_name: the remote variable.
        :param kind: ``df`` or ``str``.
        :param max_rows: send at most this many rows of a DataFrame; -1 for all.
        :param sink: where the start view and progress bar are drawn.
        :return: what was sent, or the failure.
        :raises ValueError: for a ``var_name`` that is not an identifier, an unknown ``kind``, or a value
            of the wrong type for ``kind`` (checked before anything is sent).
        """
        import pandas as pd

        from .sql.send import send_to_spark

        if not var_name.isidentifier():
            raise ValueError(f"the remote variable name must be a Python identifier, not {var_name!r}")
        if kind == "df" and not isinstance(value, pd.DataFrame):
            raise ValueError(f"-t df sends a pandas DataFrame, not a {type(value).__name__}")
        if kind == "str" and not isinstance(value, str):
            raise ValueError(f"-t str sends a str, not a {type(value).__name__}")
        if kind not in ("df", "str"):
            raise ValueError(f"kind must be 'df' or 'str', not {kind!r}")
        session_kind = self._registry.get(name).kind if name in self._registry else None
        if session_kind in (SessionKind.SPARKR, SessionKind.SQL):
            raise ValueError(
                f"sending a local value needs a Python or Scala session; this one is {session_kind.value}"
            )
        if session_kind is SessionKind.SPARK:
            from .sql.send_scala import send_to_scala as send_to_spark
        sent, error = self._in_session(
            name,
            sink or NullSink(),
            lambda client, session_id, progress: send_to_spark(
                self.transfer, client, session_id, value, var_name, max_rows=max_rows, on_progress=progress
            ),
        )
        return SendOutcome(sent=sent, error=error)

    def _fetch_frame(
        self, name: str, query: SqlQuery, sink: DisplaySink, *, fetch_all_hint: str | None = None
    ) -> SqlResult:
        from .sql.cells import result_bundle_for
        from .sql.errors import NoDataFrame

        handle_kind = self._registry.get(name).kind if name in self._registry else None

        def fetch(client: Any, session_id: int, progress: ProgressCallback) -> QueryResult | None:
            try:
                return self.transfer.fetch(
                    client, session_id, query, session_kind=handle_kind, on_progress=progress
                )
            except NoDataFrame:
                return None

        result, error = self._in_session(name, sink, fetch)
        if result is not None and fetch_all_hint is not None:
            result = dataclasses.replace(result, fetch_all_hint=fetch_all_hint)
        bundle = None
        if result is not None and not query.quiet:
            bundle = result_bundle_for(result, widgets=sink.widgets_available())
        return SqlResult(result=result, bundle=bundle, error=error)

    def _in_session(
        self, name: str, sink: DisplaySink, call: Callable[[Any, int, ProgressCallback], T]
    ) -> tuple[T | None, ErrorInfo | None]:
        """Start the session if needed and make ``call(client, session_id, on_progress)`` under a
        progress bar: its value, or the error (Spark's, or our failure)."""
        from .sql.errors import QueryFailed

        session_id: int | None = None
        client = None
        try:
            session_id = self.start(name, sink=sink)
            client = self._registry.client(self._registry.get(name).endpoint)
            progress = StatementProgress(sink, mode=self._config.kernel.progress)
            try:
                return call(client, session_id, progress.update), None
            finally:
                progress.close()
        except QueryFailed as exc:
            return None, spark_message(exc.error)
        except SessionLost as exc:
            self._registry.forget(name)
            if client is not None and session_id is not None and self._transfer is not None:
                self._transfer.forget(client, session_id)
            return None, report_to_error(describe_error(exc))
        except (EngineError, LivyError) as exc:
            return None, report_to_error(describe_error(exc))

    def complete(
        self, name: str, code: str, cursor: int, *, kind: SessionKind | str | None = None
    ) -> list[str]:
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
        language = completion_kind(handle.kind, kind)
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
        if not keep:
            for background in self._background.values():
                background.abandon()
        return self._registry.close(keep_sessions=keep)


def _variable_query(variable: str) -> SqlQuery:
    from .sql.query import DISPLAY_MAX_ROWS, SqlQuery

    return SqlQuery.from_variable(variable, max_rows=DISPLAY_MAX_ROWS)
