"""Remote tracebacks as the user should read them: their cell's lines, not Spark's internals.

A failed statement arrives as Livy's ``ename``, ``evalue`` and ``traceback`` (a list of text lines).
:func:`parse_traceback` reads that text, whoever wrote it:

- Livy's ``fake_shell.py`` (pyspark kind): ``Traceback (most recent call last):``, then
  ``File "<stdin>", line N, in NAME`` frames (the cell's top-level frame removed) and PySpark/py4j frames
  from ``pyspark.zip`` and ``py4j-*.zip``, then ``Name: message`` over one or more lines;
- sparkwire's gateway: the same, keeping the cell's top-level frame and each frame's source line;
- either server's SQL interpreter: no Python frames at all, one JVM ``StackTraceElement`` per line;
- Livy's Scala interpreter: handed to :mod:`.scala_errors`.

:func:`format_error` then builds what the cell shows (:class:`ErrorInfo`): each frame in the
user's cell named ``Cell line N`` with that line's text taken from the code the user typed, PySpark and
py4j frames (and the JVM stack a ``Py4JJavaError`` message carries) left out unless ``verbose``, the
exception's message once, and for Spark errors their error class, SQLSTATE and the failing SQL position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .error_info import ErrorInfo

__all__ = [
    "CELL_FILENAMES",
    "ErrorInfo",
    "Frame",
    "ParsedTraceback",
    "SparkErrorDetails",
    "format_error",
    "parse_traceback",
    "spark_error_details",
]

CELL_FILENAMES: Final = frozenset({"<stdin>", "<cell>"})
"""File names remote Python REPLs compile a cell under (Livy and sparkwire use ``<stdin>``)."""

_HEADER: Final = "Traceback (most recent call last):"
_CHAIN_MARKERS: Final = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)
_FRAME: Final = re.compile(r'^\s*File "(?P<file>[^"]*)", line (?P<line>\d+)(?:, in (?P<name>.*))?$')
_INTERNAL_PATH: Final = re.compile(r"(^|[/\\])(pyspark|py4j)([/\\]|[-.][^/\\]*\.zip[/\\])")
_JAVA_FRAME: Final = re.compile(r"^\s*(at\s+)?[\w$.<>]+\([^()]*\)\s*$")
_JAVA_STACK_LINE: Final = re.compile(r"^\s*(at [\w$.<>]+\(.*\)|\.\.\. \d+ more)\s*$")
_ERROR_CLASS: Final = re.compile(r"^\[(?P<cls>[A-Z][A-Z0-9_]*(?:\.[A-Z][A-Z0-9_]*)*)\]")
_SQLSTATE: Final = re.compile(r"SQLSTATE: (?P<state>[0-9A-Z]{5})")
_LINE_POS: Final = re.compile(r";? line (?P<line>\d+) pos (?P<pos>\d+);?\s*$")
_SQL_CONTEXT: Final = re.compile(r"^== SQL(?: of [^(]*)? \(line (?P<line>\d+), position (?P<pos>\d+)\) ==$")
_QUALIFIED_PREFIX: Final = re.compile(r"^(?:[A-Za-z_][\w]*\.)+(?=[A-Za-z_]\w*: )")
_TASK_FAILURE: Final = re.compile(r"(Task \d+ in stage [\d.]+ failed \d+ times?)")


@dataclass(frozen=True)
class Frame:
    """One stack frame of a remote Python traceback.

    :param filename: the file, e.g. ``"<stdin>"`` or ``"/opt/spark/python/lib/pyspark.zip/pyspark/sql/session.py"``.
    :param lineno: the line number in that file.
    :param name: the function, ``"<module>"`` at a cell's top level; ``""`` if the line did not say.
    :param source: the source line the server printed under the frame (stripped), or ``""``.
    :param caret: a syntax error's caret line as printed (``"        ^"``), or ``""``.
    """

    filename: str
    lineno: int
    name: str = ""
    source: str = ""
    caret: str = ""

    @property
    def in_cell(self) -> bool:
        """Whether the frame is in the user's cell."""
        return self.filename in CELL_FILENAMES

    @property
    def internal(self) -> bool:
        """Whether the frame is PySpark's or py4j's own code."""
        return bool(_INTERNAL_PATH.search(self.filename))


@dataclass(frozen=True)
class ParsedTraceback:
    """A remote traceback, read.

    :param frames: the Python frames, outermost first.
    :param exception: the closing ``Name: message`` lines (possibly several), or ``()``.
    :param java_frames: JVM stack lines (``org.apache...(File.scala:12)``) when the traceback is a JVM one.
    :param header: whether it began with ``Traceback (most recent call last):`` (a syntax error does not).
    """

    frames: tuple[Frame, ...] = ()
    exception: tuple[str, ...] = ()
    java_frames: tuple[str, ...] = ()
    header: bool = False


@dataclass(frozen=True)
class SparkErrorDetails:
    """What a Spark error message says about itself.

    :param error_class: e.g. ``"TABLE_OR_VIEW_NOT_FOUND"``, or ``None`` for messages without one.
    :param sqlstate: e.g. ``"42P01"``, or ``None``.
    :param line: the failing SQL line (1-based), or ``None``.
    :param position: the failing character in that line, 0-based, or ``None``.
    """

    error_class: str | None = None
    sqlstate: str | None = None
    line: int | None = None
    position: int | None = None


def _split_lines(lines: Sequence[str]) -> list[str]:
    """One string per line: entries may hold several lines and end in newlines."""
    return [line for entry in lines for line in str(entry).rstrip("\n").split("\n")]


def parse_traceback(lines: Sequence[str]) -> ParsedTraceback:
    """Read a remote traceback: Python frames and the exception lines, or JVM frames.

    Of chained exceptions only the last is kept (the one ``ename`` names).

    :param lines: the Livy ``traceback`` entries.
    :return: what they hold; lines of no known shape become the exception part.
    """
    text = _split_lines(lines)
    for marker in _CHAIN_MARKERS:
        if marker in text:
            text = text[len(text) - text[::-1].index(marker) :]
    while text and not text[0].strip():
        text = text[1:]
    if text and all(_JAVA_FRAME.match(line) for line in text if line.strip()):
        return ParsedTraceback(java_frames=tuple(line.strip() for line in text if line.strip()))
    frames: list[Frame] = []
    header = bool(text) and text[0].strip() == _HEADER
    index = 1 if header else 0
    while index < len(text):
        match = _FRAME.match(text[index])
        if match is None:
            break
        index += 1
        source_lines: list[str] = []
        # The source line (and, from Python 3.11, caret lines) are indented more than "  File".
        while index < len(text) and text[index].startswith("    ") and not _FRAME.match(text[index]):
            source_lines.append(text[index])
            index += 1
        source = next((s.strip() for s in source_lines if s.strip() and set(s) - set("^~ ")), "")
        # A syntax error's frame (no function name) points at the column with a caret: keep it.
        caret = (
            next((s for s in source_lines if s.strip() and not set(s) - set("^~ ")), "")
            if not match["name"]
            else ""
        )
        frames.append(Frame(match["file"], int(match["line"]), match["name"] or "", source, caret.rstrip()))
    exception = tuple(text[index:])
    while exception and not exception[-1].strip():
        exception = exception[:-1]
    return ParsedTraceback(tuple(frames), exception, header=header)


def spark_error_details(message: str) -> SparkErrorDetails:
    """Find a Spark error's class, SQLSTATE and failing SQL position in its message.

    Understands Spark 3.4+ ``[ERROR_CLASS] text`` messages, the ``SQLSTATE: 42P01`` suffix of Spark 4,
    the ``; line 1 pos 14;`` of analysis errors and the ``== SQL (line 1, position 15) ==`` context.

    :param message: the exception's message.
    :return: what was found (all ``None`` for a plain message).
    """
    first = message.lstrip()
    cls = _ERROR_CLASS.match(first)
    state = _SQLSTATE.search(message)
    line = pos = None
    for text in message.splitlines():
        found = _LINE_POS.search(text)
        if found is not None:
            line, pos = int(found["line"]), int(found["pos"])
            break
        context = _SQL_CONTEXT.match(text.strip())
        if context is not None:
            line, pos = int(context["line"]), int(context["pos"]) - 1
            break
    return SparkErrorDetails(cls["cls"] if cls else None, state["state"] if state else None, line, pos)


def _cell_line(code: str | None, lineno: int) -> str:
    if code is None:
        return ""
    lines = code.split("\n")
    return lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""


def _short_message(lines: Sequence[str], verbose: bool) -> tuple[list[str], int]:
    """The message lines without a JVM stack (``\\tat ...``) or the logical plan of an analysis error.

    :return: the lines kept, and how many JVM stack lines were dropped.
    """
    if verbose:
        return list(lines), 0
    kept: list[str] = []
    dropped = 0
    for line in lines:
        if _JAVA_STACK_LINE.match(line):
            dropped += 1
            continue
        kept.append(line)
        if _LINE_POS.search(line) and line.rstrip().endswith(";"):
            break  # what follows is the analyzed logical plan, which is Spark's, not the user's
    while kept and not kept[-1].strip():
        kept.pop()
    return kept, dropped


def _details_lines(details: SparkErrorDetails, sql: str | None) -> list[str]:
    if details.error_class is None and details.line is None:
        return []
    parts = []
    if details.error_class is not None:
        parts.append(f"Spark error class {details.error_class}")
        if details.sqlstate:
            parts[-1] += f" (SQLSTATE {details.sqlstate})"
    if details.line is not None and details.position is not None:
        parts.append(f"at SQL line {details.line}, position {details.position + 1}")
    lines = ["; ".join(parts) + "."]
    if sql is not None and details.line is not None and details.position is not None:
        sql_lines = sql.split("\n")
        if 0 < details.line <= len(sql_lines):
            text = sql_lines[details.line - 1]
            lines += [f"    {text}", "    " + " " * min(details.position, len(text)) + "^"]
    return lines


def _frame_lines(frames: Sequence[Frame], code: str | None, verbose: bool) -> tuple[list[str], int]:
    """The frames as the cell shows them: the user's named ``Cell line N`` with the text they typed.

    :return: the lines, and how many PySpark/py4j frames were left out.
    """
    out: list[str] = []
    hidden = 0
    for frame in frames:
        if frame.internal and not verbose:
            hidden += 1
            continue
        if frame.in_cell:
            where = f"  Cell line {frame.lineno}" + (
                f", in {frame.name}" if frame.name and frame.name != "<module>" else ""
            )
            source = _cell_line(code, frame.lineno) or frame.source
        else:
            where = f'  File "{frame.filename}", line {frame.lineno}' + (
                f", in {frame.name}" if frame.name else ""
            )
            source = frame.source
        out.append(where)
        if source:
            out.append(f"    {source}")
            if frame.caret and source == frame.source:
                out.append(frame.caret)
    return out, hidden


@dataclass(frozen=True)
class _TaskError:
    """A Python error raised inside a Spark task, as the driver's exception message carries it.

    :param headline: the driver-side exception's first line (``Py4JJavaError: An error occurred ...``).
    :param failure: Spark's ``Task 0 in stage 3.0 failed 1 times`` when the message says so, else ``""``.
    :param worker: the Python worker's own traceback.
    :param rest: how many non-blank message lines are left out (JVM stacks, the repeated ``Caused by``).
    """

    headline: str
    failure: str
    worker: ParsedTraceback
    rest: int


def _python_task_error(lines: Sequence[str]) -> _TaskError | None:
    """Find the Python worker's traceback that a failed task's message embeds, if there is one.

    A UDF or an RDD function that raises makes Spark fail the task with a ``PythonException`` whose text
    is the worker's whole traceback (``worker.py``, ``serializers.py``... then the user's frame), wrapped
    in the driver's exception and followed by JVM stacks and, for RDDs, the same traceback again.
    """
    start = next((i for i, line in enumerate(lines) if line.rstrip().endswith(_HEADER)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and not (
        _JAVA_STACK_LINE.match(lines[end]) or lines[end].startswith(("Driver stacktrace:", "Caused by:"))
    ):
        end += 1
    worker = parse_traceback([_HEADER, *lines[start + 1 : end]])
    if not worker.exception:
        return None
    before = " ".join(lines[: start + 1])
    failure = _TASK_FAILURE.search(before)
    rest = sum(1 for line in lines[end:] if line.strip()) + sum(1 for line in lines[1:start] if line.strip())
    return _TaskError(lines[0].rstrip(), failure.group(1) if failure else "", worker, rest)


def _task_error_lines(task: _TaskError, code: str | None) -> tuple[list[str], int, int]:
    """What the cell shows for an error in a Spark task: where it failed and the worker's error, once.

    :return: the lines, how many PySpark frames were left out, and how many report lines.
    """
    where = f"A Spark task failed ({task.failure})" if task.failure else "A Spark task failed"
    frames, hidden = _frame_lines(task.worker.frames, code, False)
    exception = list(task.worker.exception)
    exception[0] = _QUALIFIED_PREFIX.sub("", exception[0])
    # "PythonException:" alone (a UDF's error) says nothing the next line doesn't.
    headline = [task.headline] if not task.headline.rstrip().endswith((_HEADER, ":")) else []
    return [*headline, f"{where}; the error in its Python worker:", *frames, *exception], hidden, task.rest


def format_error(
    ename: str | None,
    evalue: str | None,
    traceback: Sequence[str] = (),
    *,
    code: str | None = None,
    sql: bool = False,
    verbose: bool = False,
) -> ErrorInfo:
    """Turn a remote error into what the cell shows.

    :param ename: the exception class name (``"Error"`` if absent).
    :param evalue: the exception message.
    :param traceback: the server's traceback entries.
    :param code: the cell as the user typed it, to show the text of its failing lines; ``None`` if unknown.
    :param sql: the statement ran in the SQL interpreter (``code`` is the SQL, the traceback JVM frames).
    :param verbose: keep PySpark, py4j and JVM frames, the JVM stack and the logical plan.
    :return: the error: ``traceback`` holds the lines to show, ``evalue`` the message as sent.
    """
    if not sql:
        from .scala_errors import format_scala_error, is_scala_error  # imports this module: not at the top

        if is_scala_error(ename, evalue, traceback):
            return format_scala_error(ename, evalue, traceback, code=code, verbose=verbose)
    name, value = ename or "Error", evalue or ""
    parsed = parse_traceback(traceback)
    # The message once: the server's closing lines when they carry it, else ename and evalue.
    exception = list(parsed.exception)
    if exception and value.strip() and value.strip().split("\n")[0] not in exception[0]:
        exception = []
    if not exception:
        exception = f"{name}: {value}".rstrip().split("\n") if value else [name]
    elif not verbose:
        exception[0] = _QUALIFIED_PREFIX.sub("", exception[0])
    task = None if verbose else _python_task_error(exception)
    frames = parsed.frames
    if task is not None:
        # PySpark 4.1+ also appends the worker's frames to the driver's traceback: show them once.
        in_worker = {(frame.filename, frame.lineno, frame.name) for frame in task.worker.frames}
        frames = tuple(
            frame for frame in frames if (frame.filename, frame.lineno, frame.name) not in in_worker
        )
    out: list[str] = []
    hidden = 0
    if frames:
        out, hidden = _frame_lines(frames, None if sql else code, verbose)
        if out and parsed.header:
            out.insert(0, _HEADER)
    elif verbose and parsed.java_frames:
        out += [f"    at {line}" for line in parsed.java_frames]
    if task is not None:
        exception, task_hidden, report_lines = _task_error_lines(task, None if sql else code)
        hidden += task_hidden
    else:
        report_lines = 0
    exception, dropped = _short_message(exception, verbose)
    out += exception
    out += _details_lines(spark_error_details(value), code if sql else None)
    notes = []
    if hidden:
        notes.append(f"{hidden} PySpark/py4j frame{'s' if hidden != 1 else ''}")
    if dropped:
        notes.append(f"{dropped} JVM stack line{'s' if dropped != 1 else ''}")
    if report_lines:
        notes.append(f"{report_lines} line{'s' if report_lines != 1 else ''} of Spark's task failure report")
    if not verbose and parsed.java_frames:
        notes.append(f"{len(parsed.java_frames)} JVM frame{'s' if len(parsed.java_frames) != 1 else ''}")
    if notes:
        out.append(
            f'({" and ".join(notes)} hidden; %%spark -v, or "verbose_errors": true under "kernel" '
            "in the config file, shows them.)"
        )
    return ErrorInfo(name, value, tuple(out))
