"""Spark's ``DataFrame.show()`` text as HTML tables, for sparkmagic's ``%%pretty``.

``show()`` prints a grid of ``+---+`` rules and ``|a|b|`` rows (values right-aligned and cut at 20
characters unless ``truncate=False``), then ``only showing top 20 rows`` when there were more. A cell's
output may hold several grids among other printed lines: :func:`split_show_output` finds them, and
:func:`pretty_bundle` renders each grid as an HTML table and every other line as preformatted text.
Values stay the strings ``show()`` printed (a ``null`` is the text ``NULL`` or ``null``); their types
are gone, so the header cells carry no type.
"""

from __future__ import annotations

import html
import re
from typing import Any, Final

from .rendering import Table, table_html

__all__ = ["pretty_bundle", "split_show_output"]

_RULE: Final = re.compile(r"^\+(-+\+)+$")
_ROW: Final = re.compile(r"^\|.*\|$")


def _cells(line: str, widths: list[int]) -> list[str]:
    """Cut a ``|a|b|`` row at the rule's column widths (values may themselves hold ``|``)."""
    values, start = [], 1
    for width in widths:
        values.append(line[start : start + width].strip())
        start += width + 1
    return values


def _grid(lines: list[str], start: int) -> tuple[Table, int] | None:
    """Read the grid starting at ``lines[start]`` (a rule): rule, header, rule, rows, rule.

    :return: the table and the index after it, or ``None`` if the lines there are not a grid.
    """
    rule = lines[start].rstrip()
    widths = [len(part) for part in rule.strip("+").split("+")]
    end = start + 3
    if end > len(lines) or not _ROW.match(lines[start + 1].rstrip()) or lines[start + 2].rstrip() != rule:
        return None
    header = _cells(lines[start + 1].rstrip(), widths)
    rows = []
    while end < len(lines) and _ROW.match(lines[end].rstrip()) and len(lines[end].rstrip()) == len(rule):
        rows.append(_cells(lines[end].rstrip(), widths))
        end += 1
    if end >= len(lines) or lines[end].rstrip() != rule:
        return None
    return Table(tuple((name, "") for name in header), tuple(rows)), end + 1


def split_show_output(text: str) -> list[str | Table]:
    """Split printed output into ``show()`` grids and the text between them.

    :param text: a cell's stdout.
    :return: text parts (lines joined, ending without a newline) and tables, in order; no tables if
        the text holds no grid.
    """
    lines = text.split("\n")
    parts: list[str | Table] = []
    pending: list[str] = []
    index = 0
    while index < len(lines):
        found = _grid(lines, index) if _RULE.match(lines[index].rstrip()) else None
        if found is None:
            pending.append(lines[index])
            index += 1
            continue
        if pending and any(line.strip() for line in pending):
            parts.append("\n".join(pending).strip("\n"))
        pending = []
        table, index = found
        parts.append(table)
    if pending and any(line.strip() for line in pending):
        parts.append("\n".join(pending).strip("\n"))
    return parts


def pretty_bundle(text: str) -> dict[str, Any] | None:
    """A bundle showing ``show()`` grids in ``text`` as HTML tables (the text kept as ``text/plain``).

    :param text: a cell's stdout.
    :return: the bundle, or ``None`` if the text holds no grid.
    """
    parts = split_show_output(text)
    if not any(isinstance(part, Table) for part in parts):
        return None
    markup = "".join(
        table_html(part) if isinstance(part, Table) else f"<pre>{html.escape(part)}</pre>" for part in parts
    )
    return {"text/html": markup, "text/plain": text.rstrip("\n")}
