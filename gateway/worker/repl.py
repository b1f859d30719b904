"""Livy's Python REPL (``fake_shell.py``) semantics over a namespace in this process.

A cell is parsed as a whole; all top-level statements but the last run as a module, the last in
interactive (``'single'``) mode, so a final expression's ``repr`` is shown (``None`` shows nothing).
If the cell is not valid Python it is split into Python chunks and ``%`` lines (magics), run in order;
the last magic's MIME data is returned. Stdout, then stderr, becomes ``text/plain``, trailing whitespace
stripped, present when non-empty or when there is no other MIME type.

Errors give ename, evalue and traceback as Livy does: frames of this module removed, syntax errors
without a stack. Deliberate differences from Livy:

- The cell's top-level ``<stdin>`` frame is kept (Livy drops it), and each ``<stdin>`` frame carries
  its source line, so an error names the cell line that raised it, as IPython does.

- Output captured before an exception is dropped, not carried into the next statement.
- The whole cell is compiled before anything runs, so a compile-time error (``return`` outside a
  function, say) fails the cell without running its first statements, and reports no internal frames.
- Line numbers in chunks after a magic line count from the top of the cell, not of the chunk.
- ``SystemExit`` is an error result; the process does not exit.
"""

from __future__ import annotations

import ast
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType, TracebackType
from typing import Any

from . import completion
from .capture import capture_output
from .magics import MagicError, run_magic
from .result import ExecutionResult, exception_only_lines, safe_str

__all__ = ["FILENAME", "PythonRepl"]

FILENAME = "<stdin>"
"""The file name user code is compiled under, as in Livy, so tracebacks read ``File "<stdin>"``."""


class PythonRepl:
    """Runs cells in one namespace, as a Livy pyspark session does.

    :param namespace: the globals user code runs in; see :func:`.namespace.make_namespace`.
    """

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace

    def execute(self, code: str) -> ExecutionResult:
        """Run one cell and return its result; exceptions in user code become error results.

        :param code: the cell's source; may mix Python with ``%json``/``%table``/``%matplot`` lines.
        :raises KeyboardInterrupt: passed through, so the caller can report the statement cancelled.
        """
        try:
            steps = _compile_cell(code)
        except SyntaxError as exc:
            return ExecutionResult.from_exception_only(exc)
        data: dict[str, Any] = {}
        with capture_output() as captured:
            for step in steps:
                try:
                    data = step(self.namespace)
                except MagicError as exc:
                    return ExecutionResult.error(exc.ename, exc.evalue, [f"{exc.ename}: {exc.evalue}\n"])
                except (Exception, SystemExit) as exc:  # noqa: BLE001 - user code may raise anything
                    return _user_error(exc, code)
        text = (data.pop("text/plain", "") + captured.text()).rstrip()
        if text or not data:
            data["text/plain"] = text
        return ExecutionResult.ok(data)

    def complete(self, code: str, cursor: int) -> list[str]:
        """Completion candidates for the dotted name before ``cursor``, from the live namespace.

        :param code: the cell being edited.
        :param cursor: a character offset into ``code``.
        """
        return completion.complete(self.namespace, code, cursor)


_Step = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class _PythonStep:
    """Compiled Python: the leading statements as a module, the last one interactively."""

    body: CodeType | None
    last: CodeType | None

    def __call__(self, namespace: dict[str, Any]) -> dict[str, Any]:
        if self.body is not None:
            exec(self.body, namespace)  # noqa: S102 - running the user's code is the point
        if self.last is not None:
            exec(self.last, namespace)  # noqa: S102
        return {}


@dataclass(frozen=True)
class _MagicStep:
    line: str

    def __call__(self, namespace: dict[str, Any]) -> dict[str, Any]:
        return run_magic(self.line, namespace)


def _compile_cell(code: str) -> list[_Step]:
    """Compile a cell into steps; a cell that does not parse is retried as Python chunks and magics.

    :raises SyntaxError: when a Python chunk does not compile.
    """
    try:
        return [_compile_python(code)]
    except SyntaxError:
        pass
    steps: list[_Step] = []
    chunk: list[str] = []
    chunk_start = 0
    for number, line in enumerate(code.rstrip().split("\n")):
        if line.startswith("%"):
            if chunk:
                steps.append(_compile_python("\n" * chunk_start + "\n".join(chunk)))
                chunk = []
            steps.append(_MagicStep(line))
        else:
            if not chunk:
                chunk_start = number
            chunk.append(line)
    if chunk:
        steps.append(_compile_python("\n" * chunk_start + "\n".join(chunk)))
    return steps


def _compile_python(source: str) -> _PythonStep:
    """Compile all statements but the last in ``'exec'`` mode and the last in ``'single'`` mode."""
    statements = ast.parse(source, FILENAME, "exec").body
    leading, last = statements[:-1], statements[-1:]
    body = (
        compile(ast.Module(leading, type_ignores=[]), FILENAME, "exec", dont_inherit=True)
        if leading
        else None
    )
    single = compile(ast.Interactive(last), FILENAME, "single", dont_inherit=True) if last else None
    return _PythonStep(body, single)


def _user_error(exc: BaseException, code: str) -> ExecutionResult:
    """The error result for an exception raised by user code.

    :param exc: the exception.
    :param code: the cell, whose lines ``<stdin>`` frames show (linecache cannot know them).
    """
    cell_lines = code.split("\n")
    frames = []
    for frame in traceback.extract_tb(_user_frames(exc.__traceback__)):
        if frame.filename == FILENAME:
            line = (
                cell_lines[frame.lineno - 1] if frame.lineno and 0 < frame.lineno <= len(cell_lines) else ""
            )
            frame = traceback.FrameSummary(
                frame.filename, frame.lineno, frame.name, lookup_line=False, line=line.strip()
            )
        frames.append(frame)
    lines = [
        "Traceback (most recent call last):\n",
        *traceback.format_list(frames),
        *exception_only_lines(exc),
    ]
    return ExecutionResult.error(type(exc).__name__, safe_str(exc), lines)


def _user_frames(tb: TracebackType | None) -> TracebackType | None:
    """Drop this module's frames, up to the cell's own top-level frame."""
    while tb is not None and tb.tb_frame.f_code.co_filename != FILENAME:
        tb = tb.tb_next
    return tb
