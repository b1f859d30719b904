"""Spot a Spark DataFrame as a cell's last expression remotely, in the cell's own statement.

The cell is run once. When it parses as Python here and ends with an expression, that expression is
rewritten in place (same lines, so line numbers in tracebacks do not move) to store its value, and a
short tail is appended that, in the remote REPL::

    __sparkwire_last__ = (df.where("x > 1"))   # the user's last expression, as typed
    def _sparkwire_tail(namespace, name, marker): ...   # leaves no name behind
    _sparkwire_tail(globals(), "<JSON literal>", "<JSON literal>")

- keeps a DataFrame in the remote variable :data:`LAST_DATAFRAME_VAR`, prints a marker line holding a
  per-cell random token, and returns ``None`` (the REPL shows nothing for it);
- returns any other value, which the REPL shows exactly as it would have (``repr``, ``None`` hidden).

The front door then fetches the variable as a typed table (:meth:`~.core.Engine.run` with
``show_dataframe``). The tail's arguments are JSON string literals (:func:`~.literals.json_literal`),
never pasted text. Cells that do not parse here (``%json`` lines, a newer Python's syntax) run as typed.
"""

from __future__ import annotations

import ast
import uuid
from dataclasses import dataclass
from typing import Final

from .literals import json_literal

__all__ = ["LAST_DATAFRAME_VAR", "MARKER_PREFIX", "LastExpression", "augment", "take_marker"]

LAST_DATAFRAME_VAR: Final = "__sparkwire_last__"
"""The remote variable holding the DataFrame a cell ended with (like Python's ``_``)."""

MARKER_PREFIX: Final = "@sparkwire/last-dataframe "

_TAIL: Final = (
    "def _sparkwire_tail(namespace, name, marker):\n"
    "    import json, sys\n"
    "    namespace.pop('_sparkwire_tail', None)\n"
    "    name, marker = json.loads(name), json.loads(marker)\n"
    "    value = namespace.pop(name, None)\n"
    # Only modules already imported: a DataFrame's class is loaded before any DataFrame exists, and a
    # failing import of Spark Connect (no grpc) would be tried again on every cell.
    "    classes = [getattr(sys.modules.get(module), 'DataFrame', None)\n"
    "               for module in ('pyspark.sql', 'pyspark.sql.connect.dataframe')]\n"
    "    classes = [c for c in classes if isinstance(c, type)]\n"
    "    if classes and isinstance(value, tuple(classes)):\n"
    "        namespace[name] = value\n"
    "        sys.stdout.write(marker + '\\n')\n"
    "        return None\n"
    "    return value\n"
)


@dataclass(frozen=True)
class LastExpression:
    """A cell rewritten to report a DataFrame last expression.

    :param code: the code to send instead of the cell.
    :param marker: the line the remote side prints when the value was a DataFrame.
    :param variable: the remote variable holding that DataFrame.
    """

    code: str
    marker: str
    variable: str = LAST_DATAFRAME_VAR


def _offset(lines: list[str], lineno: int, col: int) -> int:
    """Character offset in the joined lines of an ast position (``col`` counts UTF-8 bytes)."""
    before = sum(len(line) for line in lines[: lineno - 1])
    return before + len(lines[lineno - 1].encode("utf-8")[:col].decode("utf-8", "replace"))


def augment(code: str) -> LastExpression | None:
    """Rewrite a cell so the remote side reports a DataFrame last expression.

    :param code: the cell, as typed.
    :return: the rewritten cell, or ``None`` when the cell does not parse here or does not end with an
        expression (it then runs as typed).
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):  # %magic lines, syntax of another Python, NUL bytes
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    last = tree.body[-1].value
    if last.end_lineno is None or last.end_col_offset is None:
        return None
    lines = code.splitlines(keepends=True)
    start = _offset(lines, last.lineno, last.col_offset)
    end = _offset(lines, last.end_lineno, last.end_col_offset)
    rest = code[end:]
    marker = MARKER_PREFIX + uuid.uuid4().hex
    rewritten = (
        f"{code[:start]}{LAST_DATAFRAME_VAR} = ({code[start:end]}){rest}"
        + ("" if rest.endswith("\n") else "\n")
        + _TAIL
        + f"_sparkwire_tail(globals(), {json_literal(LAST_DATAFRAME_VAR)}, {json_literal(marker)})\n"
    )
    return LastExpression(code=rewritten, marker=marker)


def take_marker(text: str | None, marker: str) -> tuple[str | None, bool]:
    """Remove the marker line from a statement's text.

    :param text: the statement's ``text/plain``.
    :param marker: :attr:`LastExpression.marker`.
    :return: the text without the marker line (``None`` stays ``None``), and whether it was there.
    """
    if not text:
        return text, False
    lines = text.split("\n")
    kept = [line for line in lines if line != marker]
    if len(kept) == len(lines):
        return text, False
    return "\n".join(kept).rstrip(), True
