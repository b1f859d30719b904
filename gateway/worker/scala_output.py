"""What a Scala statement's interpreter said, as a Livy result.

The interpreter answers ``Success``, ``Error`` or ``Incomplete`` and writes its report: the echo of
defined values (``val res0: Int = 2``), compile errors with the offending source line and a caret, or
a thrown exception's stack. Like Livy, a success shows the statement's ``println`` output then that echo
as ``text/plain``. Errors are split into Livy's parts: a compile error is ``Error`` with
``<console>:LINE:COLUMN: error: message`` (the full report, caret included, as traceback); an exception
is its class name and message, with the interpreter's trimmed stack as traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .result import ExecutionResult

__all__ = ["CompileError", "compile_errors", "scala_result"]

INCOMPLETE_MESSAGE = (
    "Incomplete statement: the code ends inside a definition or expression "
    "(an unclosed bracket, string or parameter list?)"
)
# The interpreter indents echoed source and carets by the width of its "scala> " prompt.
_PROMPT_WIDTH = 7
_ERROR_LINE = re.compile(r"^(?:On line (\d+): |\s*)error: (.*)$")
_CARET_LINE = re.compile(r"^\s*\^\s*$")
_ERROR_LINE_212 = re.compile(r"^<console>:\d+: error: (.*)$")


@dataclass(frozen=True)
class CompileError:
    """One compiler error: where (1-based line and column of the statement) and what."""

    line: int
    column: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}" if self.column is not None else str(self.line)
        return f"<console>:{where}: error: {self.message}"


def scala_result(outcome: str, report: str, stdout: str, exception: Any, code: str) -> ExecutionResult:
    """Build a statement's result.

    :param outcome: the interpreter's ``Results`` name: ``Success``, ``Error`` or ``Incomplete``.
    :param report: what the interpreter wrote (value echo, compile errors, exception stack).
    :param stdout: what the statement printed to ``Console.out`` and ``Console.err``.
    :param exception: the JVM exception the statement threw (py4j object), or None.
    :param code: the statement, whose lines Scala 2.12's errors are placed in.
    """
    if outcome == "Success":
        return ExecutionResult.ok({"text/plain": (stdout + report).rstrip()})
    if outcome == "Incomplete":
        return ExecutionResult.error("Error", INCOMPLETE_MESSAGE, [INCOMPLETE_MESSAGE + "\n"])
    lines = [line + "\n" for line in report.rstrip().split("\n")] if report.strip() else []
    if exception is not None:
        message = exception.getMessage()
        return ExecutionResult.error(
            str(exception.getClass().getName()), "" if message is None else str(message), lines
        )
    errors = compile_errors(report, code)
    if errors:
        return ExecutionResult.error("Error", "\n".join(str(error) for error in errors), lines)
    first = report.strip().split("\n", 1)[0] if report.strip() else "the statement failed"
    return ExecutionResult.error("Error", first, lines)


def compile_errors(report: str, code: str) -> list[CompileError]:
    """Read the compile errors out of the interpreter's report.

    Scala 2.13: a single-line statement's error reads ``<caret line>`` then ``error: message``; in a
    longer one the error line starts ``On line N:``. A message may continue on further indented lines, up
    to the next echoed source line (the one above a caret) or the next error.
    Scala 2.12: ``<console>:N: error: message`` (N counts lines of the REPL's wrapper, not the statement),
    continued lines, then the source line and its caret, which place the error in the statement.
    """
    lines = report.rstrip("\n").split("\n")
    if any(_ERROR_LINE_212.match(line) for line in lines):
        return _compile_errors_212(lines, code.split("\n"))
    errors: list[CompileError] = []
    column: int | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if _CARET_LINE.match(line):
            column = max(line.index("^") - _PROMPT_WIDTH, 0) + 1
            index += 1
            continue
        found = _ERROR_LINE.match(line)
        if not found:
            index += 1
            continue
        message = [found.group(2)]
        index += 1
        while index < len(lines) and _continues(lines, index):
            message.append(lines[index].strip())
            index += 1
        errors.append(CompileError(int(found.group(1) or 1), column, "\n".join(message)))
        column = None
    return errors


def _continues(lines: list[str], index: int) -> bool:
    """Whether ``lines[index]`` continues the message above it."""
    line = lines[index]
    if not line.startswith(" " * _PROMPT_WIDTH) or _CARET_LINE.match(line) or _ERROR_LINE.match(line):
        return False
    # An echoed source line (the next error's) sits right above its caret.
    return not (index + 1 < len(lines) and _CARET_LINE.match(lines[index + 1]))


def _compile_errors_212(lines: list[str], code_lines: list[str]) -> list[CompileError]:
    errors: list[CompileError] = []
    index = 0
    while index < len(lines):
        found = _ERROR_LINE_212.match(lines[index])
        index += 1
        if not found:
            continue
        message = [found.group(1)]
        line, column = 1, None
        while index < len(lines) and not _ERROR_LINE_212.match(lines[index]):
            if index + 1 < len(lines) and _CARET_LINE.match(lines[index + 1]):
                line, column = _place(lines[index], lines[index + 1].index("^"), code_lines)
                index += 2
                break
            message.append(lines[index].strip())
            index += 1
        errors.append(CompileError(line, column, "\n".join(message)))
    return errors


def _place(source: str, caret: int, code_lines: list[str]) -> tuple[int, int | None]:
    """:return: the statement line and column of a caret under an echoed source line (line 1 if not found)."""
    text = source.strip()
    for number, line in enumerate(code_lines, start=1):
        if text and line.strip() == text:
            shift = (len(line) - len(line.lstrip())) - (len(source) - len(source.lstrip()))
            return number, max(caret + shift, 0) + 1
    return 1, None
