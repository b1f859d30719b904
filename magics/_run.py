"""Run a ``%%spark`` cell on the engine: the code through :meth:`Engine.run` (start view, progress bar,
cancel on interrupt, rendering), DataFrames through the engine's SQL transfer (``-c sql``, ``-o VAR``);
raise the remote error so the notebook run stops.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from sparkwire.engine import DisplaySink, Engine, SqlResult
from sparkwire.engine.languages import statement_kind
from sparkwire.engine.sql.query import SampleMethod, SqlQuery
from sparkwire.livy import Output, SessionKind

if TYPE_CHECKING:  # the transfer module loads pandas and pyarrow: only when a cell needs them
    from sparkwire.engine.sql.transfer import QueryResult

from ._errors import SparkError, spark_error
from ._output import show_bundle, show_rendered

__all__ = ["CellOptions", "CellRunner"]


@dataclass(frozen=True)
class CellOptions:
    """A ``%%spark`` cell's flags, defaults applied.

    :param context: ``spark`` (the session's language), ``sql``, or ``None``: sql for a session of kind
        sql, else spark.
    :param output: ``-o``: the local variable to store a pandas DataFrame in.
    :param quiet: ``-q``: do not display the SQL result.
    :param max_rows: ``-n``: rows copied back (-1: all).
    :param sample_method: ``-m``.
    :param sample_fraction: ``-r``.
    :param coerce: ``-e``: typed columns (else every column holds plain objects).
    :param verbose: ``-v``: a remote error keeps PySpark, py4j and JVM frames; ``None`` follows the config.
    """

    context: str | None
    output: str | None
    quiet: bool
    max_rows: int
    sample_method: SampleMethod
    sample_fraction: float
    coerce: bool
    verbose: bool | None = None


class CellRunner:
    """Runs cells in the engine's named sessions.

    :param engine: the engine.
    :param user_ns: gives the local namespace, for ``-o VAR``.
    :param sink: makes the sink the start view, progress bars and results are drawn in.
    """

    def __init__(
        self, engine: Engine, user_ns: Callable[[], MutableMapping[str, Any]], sink: Callable[[], DisplaySink]
    ) -> None:
        self._engine = engine
        self._user_ns = user_ns
        self._sink = sink

    def run(self, name: str, cell: str, options: CellOptions) -> None:
        """Run a cell.

        :param name: the registered session.
        :param cell: the code (or SQL).
        :param options: the cell's flags.
        :raises SparkError: if the code raised remotely or could not run.
        :raises UsageError: for a bad ``-o`` name, bad sampling flags, an empty SQL cell, or ``-o VAR``
            naming no DataFrame.
        """
        if options.output is not None and not options.output.isidentifier():
            raise UsageError(f"-o {options.output}: not a valid Python variable name.")
        handle = self._engine.registry.get(name)
        context = options.context or ("sql" if handle.kind is SessionKind.SQL else "spark")
        if context == "sql":
            if not cell.strip():
                raise UsageError("%%spark -c sql needs a SQL statement in the cell, e.g. SHOW TABLES.")
            shown = self._engine.sql(name, self._query(options, sql=cell), sink=self._sink())
            result = self._checked(shown)
            if options.output is not None:
                self._user_ns()[options.output] = self._frame(result, options)
            if not options.quiet and shown.bundle is not None:
                show_bundle(shown.bundle)
            return
        kind = statement_kind(handle.kind)  # Python in a shared session, else the session's language
        output = self._execute(name, cell, kind, sql=handle.kind is SessionKind.SQL, verbose=options.verbose)
        if options.output is not None:
            self._user_ns()[options.output] = self._frame(self._fetch_output(name, options, output), options)

    def _execute(
        self, name: str, code: str, kind: SessionKind | None, *, sql: bool, verbose: bool | None
    ) -> Output | None:
        result = self._engine.run(name, code, kind=kind, sink=self._sink(), sql=sql, verbose=verbose)
        if result.error is not None:
            raise spark_error(result.error)
        show_rendered(result.rendered)
        return result.output

    def _fetch_output(self, name: str, options: CellOptions, output: Output | None) -> QueryResult:
        """``-o VAR`` after a Spark cell: its last expression if that showed a DataFrame, else the variable."""
        assert options.output is not None
        shown = self._engine.dataframe_of_last_expression(
            name,
            output.text if output is not None else None,
            self._query(options, variable=options.output),
            sink=self._sink(),
        )
        if shown.result is not None or not shown.ok:
            return self._checked(shown)
        try:
            return self._fetch(name, self._query(options, variable=options.output))
        except SparkError as exc:
            if exc.ename in ("NameError", "TypeError"):  # no such variable, or not a DataFrame
                raise UsageError(
                    f"-o {options.output}: {exc.evalue}. End the cell with the DataFrame, or "
                    f"assign it to {options.output}."
                ) from None
            raise

    def _query(
        self, options: CellOptions, *, sql: str | None = None, variable: str | None = None
    ) -> SqlQuery:
        try:
            return SqlQuery(
                sql=sql,
                variable=variable,
                max_rows=options.max_rows,
                sample_method=options.sample_method,
                sample_fraction=options.sample_fraction,
            )
        except ValueError as exc:
            raise UsageError(f"{exc}. See %spark? for -n, -m and -r.") from None

    def _fetch(self, name: str, query: SqlQuery) -> QueryResult:
        return self._checked(self._engine.sql(name, query, sink=self._sink()))

    @staticmethod
    def _checked(shown: SqlResult) -> QueryResult:
        """The result, or the exception the user sees: Spark's error, or our one-message failure."""
        if shown.error is not None:
            raise spark_error(shown.error)
        assert shown.result is not None
        return shown.result

    @staticmethod
    def _frame(result: QueryResult, options: CellOptions) -> Any:
        return result.frame if options.coerce else result.frame.astype(object)
