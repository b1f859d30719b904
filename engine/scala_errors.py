"""Scala REPL errors as the user should read them: the message, and the line of their cell it points at.

Livy's Scala interpreter sends a failed statement as ``ename: "Error"``, the REPL's first output line
as ``evalue`` and the other lines as ``traceback``:

- a compile error: ``<console>:27: error: not found: value foo``, then the offending source line as the
  REPL echoes it (indented) and a caret line under the column; Scala 2.13's REPL may print the source
  and caret first and ``error: ...`` after. The ``<console>:N`` line number counts the REPL's wrapper,
  not the cell, so it is dropped, and the echoed line is looked up in the cell instead;
- a runtime exception: ``java.lang.ArithmeticException: / by zero``, then ``at ...`` frames and
  ``... 32 elided``, which are JVM internals (kept with ``verbose``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from .error_info import ErrorInfo

__all__ = ["format_scala_error", "is_scala_error"]

_ERROR_LINE: Final = re.compile(
    r"^\s*(?:<console>:\d+(?::\d+)?: |On line (?P<line>\d+): )?(?P<level>error|warning): (?P<message>.*)$"
)
_CONSOLE_ERROR: Final = re.compile(r"^\s*<console>:\d+(?::\d+)?: error: ")
# sparkwire's gateway: "<console>:LINE:COLUMN: error:" counts the cell's own lines (Livy's LINE counts its wrapper).
_CELL_POSITION: Final = re.compile(r"^<console>:(?P<line>\d+):(?P<column>\d+): error: ", re.MULTILINE)
_CARET: Final = re.compile(r"^\s*\^\s*$")
_PROMPT: Final = 7  # the REPL indents what it echoes by the width of its "scala> " prompt
_STACK: Final = re.compile(r"^\s*(at [\w$.<>/]+(\(.*\))?|\.\.\. \d+ (elided|more))\s*$")
_REPL_FRAME: Final = re.compile(r"\(<console>:\d+\)|^\s*at \$line\d+\.|^\s*\.\.\. \d+ elided\s*$")
_EXCEPTION: Final = re.compile(r"^(?P<cls>(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*)(?::\s?(?P<message>.*))?$")


def _lines(evalue: str | None, traceback: Sequence[str]) -> list[str]:
    text = [evalue or ""] + [str(entry) for entry in traceback]
    return [line for entry in text for line in entry.rstrip("\n").split("\n")]


def _report(evalue: str | None, traceback: Sequence[str]) -> list[str]:
    """The REPL's output as lines. Livy sends its first line as ``evalue`` and the rest as traceback;
    sparkwire's gateway sends a summary as ``evalue`` and the whole report as traceback."""
    rest = _lines(None, traceback)[1:]
    first = (evalue or "").strip().split("\n")[0]
    if _CELL_POSITION.match(evalue or "") or (rest and first and first in rest[0]):
        return rest
    return _lines(evalue, traceback)


def is_scala_error(ename: str | None, evalue: str | None, traceback: Sequence[str]) -> bool:
    """Whether a failed statement's error is the Scala REPL's (compile error or exception in a cell).

    :param ename: the error's name.
    :param evalue: its value.
    :param traceback: its traceback entries.
    :return: True for a ``<console>:N: error:`` message or a stack through the REPL's ``$lineN`` wrappers.
    """
    lines = _lines(evalue, traceback)
    if any(_CONSOLE_ERROR.match(line) for line in lines):
        return True
    if ename == "Error" and any(_ERROR_LINE.match(x) for x in lines) and any(_CARET.match(x) for x in lines):
        return True  # Scala 2.13's shape, without the <console> prefix
    return any(_REPL_FRAME.search(line) for line in lines[1:])


def _find_in_cell(source: str, code: str | None) -> int | None:
    """The 1-based line of the cell the REPL echoed, when exactly one cell line has that text."""
    if code is None or not source.strip():
        return None
    matches = [n for n, line in enumerate(code.split("\n"), 1) if line.strip() == source.strip()]
    return matches[0] if len(matches) == 1 else None


def _cell_source(code: str | None, number: int, column: int) -> list[str]:
    """``Cell line N:``, the line's text and a caret under the (1-based) column, if the cell has that line."""
    lines = (code or "").split("\n")
    if not 0 < number <= len(lines) or not lines[number - 1].strip():
        return []
    text = lines[number - 1]
    indent = len(text) - len(text.lstrip())
    return [f"  Cell line {number}:", f"    {text.strip()}", "    " + " " * max(column - 1 - indent, 0) + "^"]


def format_scala_error(
    ename: str | None,
    evalue: str | None,
    traceback: Sequence[str] = (),
    *,
    code: str | None = None,
    verbose: bool = False,
) -> ErrorInfo:
    """Turn a Scala REPL error into what the cell shows.

    :param ename: the error's name (``"Error"`` from Livy for both shapes).
    :param evalue: the REPL's first line.
    :param traceback: the REPL's other lines.
    :param code: the cell as the user typed it, to name the line a compile error points at.
    :param verbose: keep the JVM stack of an exception.
    :return: the error: each compile error as ``error: message`` with ``Cell line N`` and the source
        line with its caret; an exception as ``Class: message`` with its stack hidden unless ``verbose``.
    """
    lines = _report(evalue, traceback)
    positions = [(int(m["line"]), int(m["column"])) for m in _CELL_POSITION.finditer(evalue or "")]
    out: list[str] = []
    hidden = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        error = _ERROR_LINE.match(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if error is not None:
            out.append(f"{error['level']}: {error['message']}")
        elif _CARET.match(following) and line.strip() and not _CARET.match(line):
            # An echoed source line with its caret: re-indent both, name the cell line.
            indent = len(line) - len(line.lstrip())
            column = max(following.index("^") - indent, 0)
            found = _find_in_cell(line, code)
            if found is not None:
                out.append(f"  Cell line {found}:")
            out += [f"    {line.strip()}", "    " + " " * column + "^"]
            if positions:
                positions.pop(0)
            index += 1
        elif _CARET.match(line):
            # A caret under a line the REPL did not echo (a one-line cell): the position says which.
            if positions:
                number, column = positions.pop(0)
                out += _cell_source(code, number, column)
        elif _STACK.match(line) and not verbose:
            hidden += 1
        elif line.strip() or verbose:
            out.append(line[_PROMPT:].rstrip() if line.startswith(" " * _PROMPT) else line.rstrip())
        index += 1
    while out and not out[-1].strip():
        out.pop()
    name = ename or "Error"
    exception = _EXCEPTION.match(lines[0].strip()) if lines else None
    if name == "Error" and exception is not None:
        name = exception["cls"]
    if hidden:
        out.append(
            f"({hidden} JVM stack line{'s' if hidden != 1 else ''} hidden; %%spark -v, or "
            '"verbose_errors": true under "kernel" in the config file, shows them.)'
        )
    return ErrorInfo(name, evalue or "", tuple(out) or (name,))
