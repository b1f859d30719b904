"""Livy statement output → what a Jupyter frontend shows: a stdout text, a rich MIME bundle, or an error.

A Livy output's ``text/plain`` is the statement's captured stdout/stderr plus the repr of a final
expression, all in one string: it cannot be split, so it is shown as a stdout stream (as sparkmagic
does). Every other MIME type is a rich result and goes into one bundle, with a ``text/plain``
fallback made for it, since that text is what non-rendering frontends (nbclient, terminals) keep:

==========================================  =================================================
Livy MIME type                              bundle
==========================================  =================================================
``text/html``, ``image/png``, ``image/*``   as is, plus a short text placeholder
``application/json``                        as is, plus the JSON pretty-printed
``application/vnd.livy.table.v1+json``      an HTML table, plus an aligned text table
SQL result (``{"schema", "data"}``)         an HTML table, plus an aligned text table
==========================================  =================================================
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sparkwire.livy import Output

from .tracebacks import ErrorInfo, format_error

__all__ = [
    "LIVY_TABLE_MIME",
    "ErrorInfo",
    "RenderedOutput",
    "Table",
    "render_error",
    "render_output",
    "table_from_livy",
    "table_from_sql_json",
    "table_html",
    "table_text",
]

LIVY_TABLE_MIME: Final = "application/vnd.livy.table.v1+json"
_TEXT_ROWS: Final = 50  # rows in the text fallback of a table; the HTML shows them all
_TEXT_CELL: Final = 40  # characters per cell in the text fallback


@dataclass(frozen=True)
class RenderedOutput:
    """What to show for one statement.

    :param stdout: text for the stdout stream (ends with a newline), or ``""``.
    :param bundle: the rich MIME bundle (with a ``text/plain`` fallback), or ``None``.
    :param error: the remote exception, or ``None`` on success.
    """

    stdout: str = ""
    bundle: Mapping[str, Any] | None = None
    error: ErrorInfo | None = None


@dataclass(frozen=True)
class Table:
    """A result table.

    :param columns: ``(name, type)`` per column; the type as the server spelled it (may be ``""``).
    :param rows: the rows, each a sequence of JSON values.
    :param total_rows: how many rows the result had, if more than ``rows`` holds.
    """

    columns: tuple[tuple[str, str], ...]
    rows: tuple[Sequence[Any], ...] = field(default=())
    total_rows: int | None = None


def table_from_livy(value: Any) -> Table | None:
    """Read Livy's table MIME value (``{"headers": [{"name", "type"}], "data": [[...]]}``).

    :param value: the MIME value.
    :return: the table, or ``None`` if the value does not have that shape.
    """
    if not isinstance(value, Mapping):
        return None
    headers, data = value.get("headers"), value.get("data")
    if not isinstance(headers, list) or not isinstance(data, list):
        return None
    columns = tuple(
        (str(h.get("name", "")), str(h.get("type", ""))) if isinstance(h, Mapping) else (str(h), "")
        for h in headers
    )
    return Table(columns, tuple(row if isinstance(row, list) else [row] for row in data))


def table_from_sql_json(value: Any) -> Table | None:
    """Read the ``application/json`` of Livy's SQL interpreter (``{"schema": <Spark schema>, "data": [[...]]}``).

    :param value: the MIME value.
    :return: the table, or ``None`` if the value does not have that shape.
    """
    if not isinstance(value, Mapping):
        return None
    schema, data = value.get("schema"), value.get("data")
    fields = schema.get("fields") if isinstance(schema, Mapping) else None
    if not isinstance(fields, list) or not isinstance(data, list):
        return None
    columns = tuple(
        (str(f.get("name", "")), _type_name(f.get("type"))) for f in fields if isinstance(f, Mapping)
    )
    return Table(columns, tuple(row if isinstance(row, list) else [row] for row in data))


def _type_name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return str(value.get("type", "complex"))
    return ""


def _cell_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, default=str, ensure_ascii=False)


def table_html(table: Table) -> str:
    """An HTML table, column types in the header cells' titles and nulls marked.

    :param table: the table.
    :return: HTML text (values escaped).
    """
    head = "".join(
        f'<th title="{html.escape(kind)}">{html.escape(name)}</th>' for name, kind in table.columns
    )
    body = []
    for row in table.rows:
        cells = "".join(
            '<td><i style="opacity:0.6">null</i></td>'
            if v is None
            else f"<td>{html.escape(_cell_text(v))}</td>"
            for v in row
        )
        body.append(f"<tr>{cells}</tr>")
    total = table.total_rows if table.total_rows is not None else len(table.rows)
    note = (
        f"<p>{len(table.rows)} of {total} rows shown.</p>"
        if total > len(table.rows)
        else f"<p>{total} row{'s' if total != 1 else ''}</p>"
    )
    return (
        '<div class="sparkwire-table" style="max-height:32em;overflow:auto">'
        f'<table class="dataframe"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
        f"{note}"
    )


def table_text(table: Table, *, max_rows: int = _TEXT_ROWS) -> str:
    """An aligned plain-text table, for frontends that do not render HTML.

    :param table: the table.
    :param max_rows: rows to show; the rest is counted in a last line.
    :return: the text.
    """

    def clip(text: str) -> str:
        text = text.replace("\n", " ")
        return text if len(text) <= _TEXT_CELL else text[: _TEXT_CELL - 1] + "…"

    shown = table.rows[:max_rows]
    grid = [[clip(name) for name, _ in table.columns]] + [[clip(_cell_text(v)) for v in row] for row in shown]
    width = max((len(r) for r in grid), default=0)
    widths = [max((len(r[i]) for r in grid if i < len(r)), default=0) for i in range(width)]
    lines = [" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in grid]
    if lines:
        lines.insert(1, "-+-".join("-" * w for w in widths))
    total = table.total_rows if table.total_rows is not None else len(table.rows)
    if total > len(shown):
        lines.append(f"({len(shown)} of {total} rows shown)")
    return "\n".join(lines)


def _table_bundle(table: Table) -> dict[str, Any]:
    return {"text/html": table_html(table), "text/plain": table_text(table)}


def _rich_bundle(data: Mapping[str, Any], *, sql: bool) -> dict[str, Any] | None:
    if sql:
        table = table_from_sql_json(data.get("application/json"))
        if table is not None:
            return _table_bundle(table)
    if LIVY_TABLE_MIME in data:
        table = table_from_livy(data[LIVY_TABLE_MIME])
        if table is not None:
            return _table_bundle(table)
    bundle = {mime: value for mime, value in data.items() if mime not in ("text/plain", LIVY_TABLE_MIME)}
    if not bundle:
        return None
    if "application/json" in bundle:
        fallback = json.dumps(bundle["application/json"], indent=2, default=str, ensure_ascii=False)
    elif "text/html" in bundle:
        fallback = "<HTML output>"
    else:
        fallback = "<" + ", ".join(sorted(bundle)) + " output>"
    bundle["text/plain"] = fallback
    return bundle


# The engine's public name for the traceback formatter (kernel, magics and SQL transfer call it).
render_error = format_error


def render_output(
    output: Output, *, sql: bool = False, code: str | None = None, verbose: bool = False
) -> RenderedOutput:
    """Turn a statement's output into what the cell shows.

    :param output: the Livy output.
    :param sql: the statement ran in Livy's SQL interpreter, so ``application/json`` is a result table.
    :param code: the cell as the user typed it, so an error can show its failing lines.
    :param verbose: an error keeps PySpark, py4j and JVM frames.
    :return: the stdout text, the rich bundle and/or the error.
    """
    if not output.ok:
        return RenderedOutput(
            error=render_error(
                output.ename, output.evalue, output.traceback, code=code, sql=sql, verbose=verbose
            )
        )
    text = output.data.get("text/plain")
    stdout = str(text) if text is not None else ""
    if stdout and not stdout.endswith("\n"):
        stdout += "\n"
    return RenderedOutput(stdout=stdout, bundle=_rich_bundle(output.data, sql=sql))
