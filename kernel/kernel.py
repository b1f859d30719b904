"""The Remote PySpark kernel: an IPython kernel whose cells run in a remote Spark session through Livy.

It subclasses ipykernel's ``IPythonKernel`` rather than the bare ``Kernel`` so that ``%%local`` cells,
silent housekeeping executions and ``%%sql -o`` variables have a real local IPython, and so that
ipywidgets (the progress bar) find a comm manager. Everything remote goes through
:class:`sparkwire.engine.Engine`, shared with the ``%spark`` magics.

Execution rules:

- silent executions (frontends probing on open) run locally: they never start a session;
- the first other cell creates the session (nothing expensive happens at start-up);
- a remote error, or a failure of ours, is an ``error`` message plus an error reply, so "Run all",
  nbclient and papermill stop; failures of ours carry one message, never a Python traceback;
- Ctrl-C / interrupt (SIGINT, ``interrupt_mode: signal``) arrives as ``KeyboardInterrupt`` in the
  running statement's wait, which the engine turns into a remote cancel.
"""

from __future__ import annotations

import atexit
import re
from collections.abc import Mapping
from typing import Any

from ipykernel.ipkernel import IPythonKernel
from traitlets import Unicode

from sparkwire import __version__
from sparkwire.engine import (
    Engine,
    EngineError,
    ErrorInfo,
    IPythonDisplaySink,
    describe_error,
    message_error,
    report_to_error,
)
from sparkwire.engine.languages import Language, language_for
from sparkwire.livy import LivyError, SessionKind

from . import commands, data
from .parsing import MAGICS, Command, UsageError, brackets_status, help_bundle, parse_arguments, parse_cell

__all__ = ["KERNEL_SESSION", "RemotePySparkKernel"]

KERNEL_SESSION = "kernel"
"""The registry name of the kernel's session."""

_TOKEN = re.compile(r"[A-Za-z_][\w.]*$")


def _widget_control_opened(comm: Any, msg: dict[str, Any]) -> None:
    # A widget-rendering frontend opens this comm when it connects, before any cell imports
    # ipywidgets; register for it at start-up (cheaply) and let ipywidgets take it over.
    import ipywidgets

    ipywidgets.Widget.handle_control_comm_opened(comm, msg)


class _Emitter:
    """Sends a cell's output as iopub messages with the cell's execution count."""

    def __init__(self, kernel: RemotePySparkKernel, count: int) -> None:
        self._kernel = kernel
        self._count = count

    def stream(self, text: str) -> None:
        self._kernel.publish("stream", {"name": "stdout", "text": text})

    def result(self, bundle: Mapping[str, Any]) -> None:
        self._kernel.publish(
            "execute_result", {"execution_count": self._count, "data": dict(bundle), "metadata": {}}
        )

    def display(self, bundle: Mapping[str, Any]) -> None:
        self._kernel.publish("display_data", {"data": dict(bundle), "metadata": {}, "transient": {}})


class RemotePySparkKernel(IPythonKernel):
    """The "Remote PySpark" kernel (kernel name ``remote-pyspark``), and with ``session_language`` set
    the "Remote Spark (Scala)" and "Remote SparkR" kernels: one class, the cells' language chosen by the
    kernelspec (``--RemotePySparkKernel.session_language=scala``). ``%%local`` cells are Python in all."""

    implementation = "sparkwire-remote-pyspark"
    implementation_version = __version__
    session_language = Unicode("python", help="The language of the remote cells: python, scala or r.").tag(
        config=True
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self._language: Language = language_for(self.session_language)
        if self._language.kind is not SessionKind.PYSPARK:
            self.language_info = dict(self._language.language_info())
        self._engine: Engine | None = None
        self._remote_parent: dict[str, Any] | None = None  # the running remote cell: see _publish_status
        self._sink = IPythonDisplaySink()
        self.comm_manager.register_target("jupyter.widget.control", _widget_control_opened)
        assert self.shell is not None
        self.shell.input_transformers_cleanup.append(_strip_local_magic)
        atexit.register(self._close_engine)
        self._start_session_early()

    def _start_session_early(self) -> None:
        """With ``kernel.start_session: "on_kernel_start"``, start the session in a background thread
        now, so the first cell waits only for what is left (an HTTP request and a thread: start-up stays fast)."""
        try:
            engine = self._get_engine()
        except Exception:  # noqa: BLE001 - a bad config file is reported by the first cell that needs it
            self._engine = None
            return
        if engine.config.kernel.start_session == "on_kernel_start":
            engine.start_in_background(KERNEL_SESSION)
        else:
            self._engine = None  # as before: the first cell reads the config as it is then

    @property
    def banner(self) -> str:  # type: ignore[override]
        """The kernel's banner (computed when asked: nothing is contacted at start-up)."""
        return (
            f"{self._language.display_name} (sparkwire {__version__}): cells run in a Spark session "
            "through Livy. %%help lists the magics."
        )

    def publish(self, msg_type: str, content: dict[str, Any]) -> None:
        """Send an iopub message as a reply to the current request.

        :param msg_type: e.g. ``stream``, ``display_data``, ``error``.
        :param content: the message content.
        """
        self.send_response(self.iopub_socket, msg_type, content)  # type: ignore[no-untyped-call]

    def _publish_status(self, status: str, channel: str, parent: Any = None) -> None:
        """Send an iopub status; an ``idle`` for another request during a remote cell is followed by busy.

        ipykernel answers control requests (kernel_info, debug, usage...) and subshell requests in
        other threads while a cell runs, each ending in an ``idle`` status; JupyterLab shows the last
        status it received, whatever request it answers, so it read "Idle" during long remote cells.
        The cell's own ``idle`` comes after ``_remote_parent`` is cleared. Overrides a private ipykernel
        method (ipykernel 6 and 7 have it with this signature).
        """
        super()._publish_status(status, channel, parent)  # type: ignore[no-untyped-call]
        running = self._remote_parent
        if status == "idle" and running is not None:
            super()._publish_status("busy", "shell", running)  # type: ignore[no-untyped-call]

    # Engine

    def _get_engine(self) -> Engine:
        # Built on first use: a bad config file is reported in the cell that needs it (not as a
        # kernel that dies at start), and once fixed the next cell reads it, without a restart.
        if self._engine is None:
            engine = Engine.from_environment()
            endpoint = engine.config.kernel.language_endpoints.get(
                self._language.name
            )  # None: the default one
            engine.registry.add(
                KERNEL_SESSION,
                endpoint=endpoint,
                body=commands.session_body(engine, kind=self._language.kind.value),
            )
            self._engine = engine
        return self._engine

    def _close_engine(self) -> None:
        engine, self._engine = self._engine, None
        if engine is None:
            return
        for name, error in engine.close():
            self.log.warning("sparkwire: could not delete session %r: %s", name, error)

    # Execution

    async def do_execute(
        self,
        code: str,
        silent: bool,
        store_history: bool = True,
        user_expressions: dict[str, Any] | None = None,
        allow_stdin: bool = False,
        *,
        cell_meta: dict[str, Any] | None = None,
        cell_id: str | None = None,
    ) -> dict[str, Any]:
        """Run a cell: remotely, or locally for silent executions and ``%%local``.

        :param code: the cell.
        :param silent: a frontend's housekeeping execution: run locally, show nothing.
        :param store_history: count the cell and store it in the history.
        :param user_expressions: expressions to evaluate after the cell (local cells only).
        :param allow_stdin: whether the frontend accepts input requests (local cells only).
        :param cell_meta: the cell's metadata.
        :param cell_id: the cell's id.
        :return: the execute reply's content.
        """
        local_kwargs = {"cell_meta": cell_meta, "cell_id": cell_id}
        command: Command | None = None
        error: ErrorInfo | None = None
        try:
            command = None if silent else parse_cell(code)
        except UsageError as exc:
            error = _usage_error(exc)
        if silent or (command is not None and command.name == "local"):
            # IPython runs it; _strip_local_magic removes the %%local line, so the history keeps the cell as typed.
            reply: dict[str, Any] = await super().do_execute(  # type: ignore[no-untyped-call]
                code, silent, store_history, user_expressions, allow_stdin, **local_kwargs
            )
            return reply
        shell = self.shell
        assert shell is not None
        count = int(shell.execution_count)
        if store_history:
            shell.history_manager.store_inputs(count, code)
            shell.execution_count += 1
        if error is None:
            self._remote_parent = self.get_parent("shell")  # type: ignore[no-untyped-call]
            try:
                error = self._run(command, code, _Emitter(self, count))
            finally:
                self._remote_parent = None
        if error is None:
            return {"status": "ok", "execution_count": count, "payload": [], "user_expressions": {}}
        content = {"ename": error.ename, "evalue": error.evalue, "traceback": list(error.traceback)}
        self.publish("error", content)
        return {"status": "error", "execution_count": count, **content}

    def _run(self, command: Command | None, code: str, out: _Emitter) -> ErrorInfo | None:
        try:
            if command is not None and command.name == "help":
                out.display(help_bundle(self._language.display_name))  # works even when the config is broken
                return None
            ctx = self._context(out, engine=self._get_engine())
            if command is None:
                return commands.show_result(
                    ctx, ctx.engine.run(KERNEL_SESSION, code, sink=self._sink, show_dataframe=True)
                )
            return self._command(ctx, command)
        except UsageError as exc:
            return _usage_error(exc)
        except (EngineError, LivyError, KeyboardInterrupt) as exc:
            return report_to_error(describe_error(exc))
        except Exception as exc:
            self.log.exception("sparkwire: unexpected failure")
            return report_to_error(describe_error(exc))

    def _context(self, out: _Emitter, *, engine: Engine) -> commands.Context:
        assert self.shell is not None
        return commands.Context(
            engine=engine,
            name=KERNEL_SESSION,
            out=out,
            sink=self._sink,
            user_ns=self.shell.user_ns,
            kind=self._language.kind.value,
        )

    def _command(self, ctx: commands.Context, command: Command) -> ErrorInfo | None:
        name = command.name
        if name == "batch":
            return commands.batch(command.line)
        args = parse_arguments(command)
        if name == "sql":
            return data.sql(ctx, args, command.body)
        if name == "send_to_spark":
            return data.send_to_spark(ctx, args)
        if name == "spark":
            return data.spark(ctx, args, command.body)
        if name == "pretty":
            return data.pretty(ctx, args, command.body)
        if name == "configure":
            commands.configure(ctx, args, command.body)
        elif name == "info":
            commands.info(ctx)
        elif name == "logs":
            commands.logs(ctx, args)
        elif name == "cleanup":
            commands.cleanup(ctx, args)
        elif name == "delete":
            commands.delete(ctx, args)
        elif name == "attach":
            commands.attach(ctx, args)
        return None

    # Completion and friends

    async def do_complete(self, code: str, cursor_pos: int | None) -> dict[str, Any]:
        """Complete from the remote session (never starting one); ``%%local`` cells complete locally.

        :param code: the cell.
        :param cursor_pos: the cursor's offset (end of the cell if ``None``).
        :return: the complete reply's content.
        """
        cursor = len(code) if cursor_pos is None else cursor_pos
        try:
            command = parse_cell(code)
        except UsageError:
            command = None
        offset = len(code) - len(command.body) if command is not None else 0
        if command is not None and command.name == "local" and cursor >= offset:
            reply: dict[str, Any] = super().do_complete(command.body, cursor - offset)  # type: ignore[no-untyped-call]
            reply["cursor_start"] += offset
            reply["cursor_end"] += offset
            return reply
        matches: list[str] = []
        token = ""
        line_start = code.rfind("\n", 0, cursor) + 1
        if code[line_start:cursor].lstrip().startswith("%"):
            token = code[line_start:cursor].lstrip()
            names = [f"%%{name}" for name in MAGICS if name != "attach"] + ["%attach"]
            matches = sorted(name for name in names if name.startswith(token))
        elif command is None and self._engine is not None:
            match = _TOKEN.search(code[:cursor])
            token = match.group() if match else ""
            candidates = self._engine.complete(KERNEL_SESSION, code, cursor)
            matches = _as_replacements(token, candidates)
        return {
            "status": "ok",
            "matches": matches,
            "cursor_start": cursor - len(token),
            "cursor_end": cursor,
            "metadata": {},
        }

    async def do_inspect(
        self, code: str, cursor_pos: int, detail_level: int = 0, omit_sections: Any = ()
    ) -> dict[str, Any]:
        """Inspect in the local Python: for the Scala and R kernels only in ``%%local`` cells (the remote
        names are not Python's).

        :param code: the cell.
        :param cursor_pos: the cursor's offset.
        :param detail_level: 0 or 1 (``??``).
        :param omit_sections: sections to leave out.
        :return: the inspect reply's content.
        """
        if self._language.kind is not SessionKind.PYSPARK and not code.lstrip().startswith("%%local"):
            return {"status": "ok", "found": False, "data": {}, "metadata": {}}
        reply: dict[str, Any] = super().do_inspect(  # type: ignore[no-untyped-call]
            code, cursor_pos, detail_level, omit_sections
        )
        return reply

    async def do_is_complete(self, code: str) -> dict[str, Any]:
        """Whether a console should run the input or wait for more lines (Python's rules; for Scala and R,
        whether its brackets are closed).

        :param code: the input so far.
        :return: the is_complete reply's content.
        """
        try:
            command = parse_cell(code)
        except UsageError:
            return {"status": "invalid"}
        if command is not None and command.name != "local":
            return {"status": "complete"}
        body = code if command is None else command.body
        if command is None and self._language.kind is not SessionKind.PYSPARK:
            return brackets_status(body)
        reply: dict[str, Any] = super().do_is_complete(body)  # type: ignore[no-untyped-call]
        return reply

    async def do_shutdown(self, restart: bool) -> dict[str, Any]:
        """Delete the session (unless ``kernel.keep_session_on_shutdown``) on shutdown and restart.

        :param restart: whether the kernel restarts.
        :return: the shutdown reply's content.
        """
        self._close_engine()
        reply: dict[str, Any] = super().do_shutdown(restart)  # type: ignore[no-untyped-call]
        return reply


def _strip_local_magic(lines: list[str]) -> list[str]:
    """IPython input transformer: a ``%%local`` cell runs its body as ordinary local code."""
    for index, line in enumerate(lines):
        if line.strip():
            if line.strip() == "%%local":
                return lines[index + 1 :]
            return lines
    return lines


def _usage_error(exc: UsageError) -> ErrorInfo:
    return message_error("UsageError", str(exc))


def _as_replacements(token: str, candidates: list[str]) -> list[str]:
    """Make each candidate replace the whole dotted token: sparkwire's gateway sends full names
    (``spark.ra`` → ``spark.range``), other servers may send the last part only (``range``)."""
    owner = token.rpartition(".")[0]
    result = []
    for candidate in candidates:
        if not candidate.startswith(token) and owner and not candidate.startswith(owner + "."):
            candidate = f"{owner}.{candidate}"
        result.append(candidate)
    return result
