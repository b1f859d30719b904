"""The ``%spark`` / ``%%spark`` and ``%manage_spark`` magics: sparkmagic's syntax on sparkwire's engine."""

from __future__ import annotations

import shlex
from collections.abc import Callable, MutableMapping
from typing import Any, TypeVar

from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from traitlets import Bool, CaselessStrEnum, Float, Integer

from sparkwire.batch.cli import run_batch_command
from sparkwire.engine import DisplaySink, Engine, IPythonDisplaySink, describe_error
from sparkwire.engine.sql.query import DEFAULT_MAX_ROWS, DEFAULT_SAMPLE_FRACTION

from ._args import (
    argument,
    cell_args,
    endpoint_args,
    magic_arguments,
    mask,
    parse_line,
    password_in,
    send_to_spark_args,
    session_args,
)
from ._commands import SessionCommands, pick_session
from ._errors import SparkError, spark_error, spark_error_from_report
from ._manage import SessionsView, sidebar_installed
from ._output import show_bundle, show_text
from ._run import CellOptions, CellRunner
from ._usage import usage_bundle

__all__ = ["SparkMagics"]

F = TypeVar("F", bound=Callable[..., Any])


def _line_cell_magic(func: F) -> F:
    # IPython's marker returns the function itself, but is typed as "function or decorator".
    line_cell_magic(func)
    return func


def _line_magic(func: F) -> F:
    line_magic(func)
    return func


_SUBCOMMANDS = ("add", "info", "config", "logs", "delete", "cleanup", "help", "batch")


@magics_class
class SparkMagics(Magics):
    """sparkmagic's ``%spark`` magics on sparkwire's engine: named sessions on any Livy endpoint.

    :param shell: the IPython shell.
    :param engine: the engine (configuration, session registry, execution, SQL transfer), the same the
        Remote PySpark kernel runs on.
    """

    default_maxrows = Integer(
        DEFAULT_MAX_ROWS,
        help="Rows copied back by -c sql and -o VAR when -n is not given (-1: all); the "
        "engine's default (sparkmagic's was 2500).",
    ).tag(config=True)
    default_samplemethod = CaselessStrEnum(
        ("take", "sample"), default_value="take", help="How rows are picked when -m is not given."
    ).tag(config=True)
    default_samplefraction = Float(
        DEFAULT_SAMPLE_FRACTION, help="The fraction of rows -m sample keeps when -r is not given."
    ).tag(config=True)
    coerce = Bool(
        True, help="Give copied-back DataFrame columns the dtypes of their Spark types when -e is not given."
    ).tag(config=True)
    widgets = Bool(
        None,
        allow_none=True,
        help="Progress bars as ipywidgets (True), as text (False), or detected from the frontend (None).",
    ).tag(config=True)
    log_lines = Integer(500, help="How many of the last log lines %spark logs shows.").tag(config=True)
    keep_sessions_on_exit = Bool(
        None,
        allow_none=True,
        help="Leave the sessions this shell created running when it exits (None: the config file's "
        "kernel.keep_session_on_shutdown). Attached sessions are never deleted on exit.",
    ).tag(config=True)

    def __init__(self, shell: InteractiveShell | None, engine: Engine, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self._engine = engine
        self._commands = SessionCommands(engine, self._sink, log_lines=lambda: int(self.log_lines))
        self._runner = CellRunner(engine, self._user_ns, self._sink)

    @property
    def engine(self) -> Engine:
        """The engine the magics run on."""
        return self._engine

    def _user_ns(self) -> MutableMapping[str, Any]:
        namespace: MutableMapping[str, Any] = self.shell.user_ns if self.shell is not None else {}
        return namespace

    def _sink(self) -> DisplaySink:
        return IPythonDisplaySink(widgets=self.widgets)

    @magic_arguments()
    @argument(
        "command",
        nargs="*",
        metavar="SUBCOMMAND",
        help="add, info, config, logs, delete, cleanup or help; none in a %%%%spark cell runs the cell",
    )
    @session_args
    @endpoint_args
    @cell_args
    @_line_cell_magic
    def spark(self, line: str, cell: str | None = None) -> Any:
        """Run Spark code in remote Livy sessions, named in this notebook, from any IPython kernel.

        Written like sparkmagic's magics, so sparkmagic notebooks run with only ``%load_ext`` changed.
        ``%spark`` alone or ``%spark help`` prints a short usage table.

        Subcommands::

          %spark add -s NAME -l python -u URL [-t Basic_Access -a USER -p PASSWORD] [-k]
                    start a session (languages: python, scala, r, sql); -k: skip if NAME exists
          %spark add -s NAME -u URL --id ID
                    attach to an existing session, e.g. one another notebook started
          %spark info [-u URL]      this notebook's sessions, or all sessions of an endpoint
          %%spark config            Livy session JSON (cell) for sessions added from now on
          %spark logs [-s NAME]     the session's log
          %spark delete -s NAME     delete a session of this notebook
          %spark delete -u URL -i ID  delete any session of an endpoint
          %spark cleanup [-u URL]   delete this notebook's sessions, or all sessions of an endpoint
          %spark batch submit FILE [--wait] [--conf k=v] [-- ARGS]   spark-submit through Livy /batches
          %spark batch list|status ID|logs ID [-f]|kill ID          (the verbs of `sparkwire batch`)

        Cells::

          %%spark [-s NAME]         run the cell in the session (-s optional with one session)
          %%spark -c sql -o df      run SQL, show the result as a table, and store it as the pandas
                                    DataFrame df (-q: store only)
          %%spark -o df             then copy the cell's last expression (a Spark DataFrame), or the
                                    remote DataFrame df, into the local pandas DataFrame df

        A remote error raises, showing the cell's failing lines and Spark's message (``-v``: every frame,
        PySpark's and the JVM's too), so a notebook run stops there.
        Interrupting the kernel cancels the remote statement; the session keeps its variables.
        """
        password = password_in(line)
        try:
            return self._spark(line, cell)
        except (UsageError, SparkError):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug of ours: one message, never our stack
            report = describe_error(exc)
            raise spark_error_from_report(
                type(report)(report.ename, mask(report.message, password))
            ) from None

    def _spark(self, line: str, cell: str | None) -> Any:
        words = line.split(maxsplit=1)
        if words and words[0].lower() == "batch":
            return self._batch(words[1] if len(words) > 1 else "")
        args = parse_line(self.spark, line)
        words = [str(word) for word in args.command]
        sub = words[0].lower() if words else ""
        if len(words) > 1:
            raise UsageError(
                f"Unexpected {' '.join(words[1:])!r} after {words[0]!r}. See %spark? for the flags."
            )
        if sub == "":
            if cell is None:
                show_bundle(usage_bundle())
                return None
            return self._run_cell(args, cell)
        if sub not in _SUBCOMMANDS:
            raise UsageError(
                f"Subcommand {words[0]!r} not found; use one of {', '.join(_SUBCOMMANDS)}. "
                "See %spark? for the flags."
            )
        if sub == "help":
            show_bundle(usage_bundle())
        elif sub == "config":
            self._commands.config(cell)
        else:
            getattr(self._commands, sub)(args)
        return None

    def _batch(self, rest: str) -> None:
        """``%spark batch VERB ...``: the verbs of ``sparkwire batch`` (submit, list, status, logs, kill)."""
        try:
            words = shlex.split(rest)
        except ValueError as exc:
            raise UsageError(f"%spark batch: cannot parse {rest!r}: {exc}.") from None
        code = run_batch_command(words, prog="%spark batch")
        if code != 0:
            # Raise, so a notebook run stops here; what went wrong is printed above.
            raise UsageError(
                f"%spark batch {' '.join(words[:1])} failed (exit code {code}); see the output above."
            )

    def _run_cell(self, args: Any, cell: str) -> Any:
        name = pick_session(self._engine, args.session)
        method = args.samplemethod or str(self.default_samplemethod).lower()
        options = CellOptions(
            context=args.context,
            output=args.output,
            quiet=bool(args.quiet),
            max_rows=int(self.default_maxrows if args.maxrows is None else args.maxrows),
            sample_method="sample" if method == "sample" else "take",
            sample_fraction=float(
                self.default_samplefraction if args.samplefraction is None else args.samplefraction
            ),
            coerce=bool(self.coerce) if args.coerce is None else bool(args.coerce),
            verbose=True if args.verbose else None,
        )
        self._runner.run(name, cell, options)
        return None

    @magic_arguments()
    @send_to_spark_args
    @_line_cell_magic
    def send_to_spark(self, line: str, cell: str | None = None) -> None:
        """Send a local pandas DataFrame or string to a remote session, as sparkmagic's ``%%send_to_spark``.

        Any content arrives intact (quotes, newlines, Unicode, nulls); DataFrames keep their types and
        travel as Arrow when the session has pyarrow::

          %%send_to_spark -i local_df -t df -n remote_df
          %%send_to_spark -i message -t str -n remote_message
        """
        if cell is not None and cell.strip():
            raise UsageError("%%send_to_spark takes no code in the cell; put it in another cell.")
        try:
            self._send_to_spark(line)
        except (UsageError, SparkError):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug of ours: one message, never our stack
            raise spark_error_from_report(describe_error(exc)) from None

    def _send_to_spark(self, line: str) -> None:
        args = parse_line(self.send_to_spark, line)
        name = pick_session(self._engine, args.session)
        namespace = self._user_ns()
        if args.input not in namespace:
            raise UsageError(f"%%send_to_spark: no variable {args.input!r} in this notebook.")
        try:
            outcome = self._engine.send_to_spark(
                name,
                namespace[args.input],
                args.name,
                kind=args.type,
                max_rows=args.maxrows,
                sink=self._sink(),
            )
        except ValueError as exc:
            raise UsageError(f"%%send_to_spark: {exc}.") from None
        if outcome.error is not None:
            raise spark_error(outcome.error)
        show_text(outcome.summary())

    @_line_magic
    def manage_spark(self, line: str = "") -> None:
        """Show this notebook's Spark sessions with a Delete button each (ipywidgets).

        Where widgets do not render, the sessions are listed as text. sparkwire's JupyterLab sidebar,
        when installed, manages every session of every configured endpoint.
        """
        if line.strip():
            raise UsageError("%manage_spark takes no arguments.")
        try:
            view = SessionsView(self._engine, sidebar=sidebar_installed())
        except ImportError:
            show_text("ipywidgets is not installed, so here is %spark info instead.")
            self._commands.info(parse_line(self.spark, "info"))
            return
        show_bundle(view.bundle())

    def close(self) -> None:
        """Delete the sessions this shell created (unless kept), and close the engine's clients."""
        self._engine.close(keep_sessions=self.keep_sessions_on_exit)
