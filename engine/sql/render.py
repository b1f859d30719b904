"""A fetched result → MIME bundles: a typed HTML table (works everywhere), a text table, and, where
widgets render and plotly is installed (the ``charts`` extra), a view that switches between the table
and a chart (:mod:`.chart`).

The HTML is self-contained: styles are inline (no ``<style>`` element to leak into the page or be
stripped by a sanitizer), class names are prefixed ``sparkwire-result`` for themes to hook. The header
row sticks while the body scrolls, wide tables scroll sideways, and each header shows the column's Spark
type (or its pandas dtype for a frame that did not come from Spark). Nothing here talks to Jupyter: the
engine's display sinks show the bundles.
"""

from __future__ import annotations

import datetime
import decimal
import html
import importlib.util
import json
import math
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from sparkwire.engine.rendering import Table, table_text

from .schema import SparkField, simple_type

__all__ = [
    "HTML_MAX_ROWS",
    "WIDGET_MIME",
    "format_cell",
    "frame_html",
    "frame_text",
    "result_bundle",
]

HTML_MAX_ROWS: Final = 1_000
"""Rows drawn in the HTML table; the DataFrame (``-o VAR``) holds all fetched rows."""
WIDGET_MIME: Final = "application/vnd.jupyter.widget-view+json"
_TEXT_ROWS: Final = 50
_CELL_CHARS: Final = 300
_BYTES_SHOWN: Final = 32

_WRAP_STYLE = "max-height:32em;max-width:100%;overflow:auto;border:1px solid var(--jp-border-color2,#e0e0e0)"
_TABLE_STYLE = (
    "border-collapse:separate;border-spacing:0;font-family:var(--jp-code-font-family,monospace);"
    "font-size:var(--jp-code-font-size,12px);margin:0"
)
_TH_STYLE = (
    "position:sticky;top:0;z-index:1;background:var(--jp-layout-color2,#f5f5f5);text-align:left;"
    "vertical-align:bottom;padding:4px 8px;border-bottom:1px solid var(--jp-border-color1,#bdbdbd);"
    "white-space:nowrap"
)
_TD_STYLE = (
    "padding:2px 8px;border-bottom:1px solid var(--jp-border-color3,#eee);white-space:pre;vertical-align:top"
)
_NUM_STYLE = _TD_STYLE + ";text-align:right"
_INDEX_STYLE = _TD_STYLE + ";text-align:right;opacity:0.55"
_TYPE_STYLE = "font-weight:normal;opacity:0.65;font-size:90%"
_NULL_HTML = '<span class="sparkwire-result-null" style="opacity:0.5;font-style:italic">null</span>'
_NOTE_STYLE = "margin:4px 0 0 0;font-size:90%;opacity:0.8"


def _column_types(frame: pd.DataFrame, fields: Sequence[SparkField] | None) -> list[str]:
    if fields is not None and len(fields) == frame.shape[1]:
        return [f.type_name for f in fields]
    return [str(dtype) for dtype in frame.dtypes]


def _kinds(frame: pd.DataFrame, fields: Sequence[SparkField] | None) -> list[str]:
    if fields is not None and len(fields) == frame.shape[1]:
        return [simple_type(f.type) for f in fields]
    return ["" for _ in range(frame.shape[1])]


def format_cell(value: Any, kind: str = "") -> str | None:
    """One value as table text; ``None`` for a null (shown as *null*).

    :param value: the value from the DataFrame.
    :param kind: the Spark type kind (``date`` shows ``YYYY-MM-DD``), or ``""``.
    :return: the text, or ``None``.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else repr(value)
    if isinstance(value, (pd.Timestamp, datetime.datetime)):
        if kind == "date":
            return value.strftime("%Y-%m-%d")
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        text = "0x" + data[:_BYTES_SHOWN].hex()
        return text + "…" if len(data) > _BYTES_SHOWN else text
    if isinstance(value, (list, dict, tuple, np.ndarray)):
        return json.dumps(_plain(value), ensure_ascii=False, default=str)
    if isinstance(value, (np.generic, decimal.Decimal, pd.Timedelta, datetime.timedelta, datetime.date)):
        return str(value)
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _clip(text: str) -> str:
    return text if len(text) <= _CELL_CHARS else text[: _CELL_CHARS - 1] + "…"


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _summary(frame: pd.DataFrame, shown: int, notice: str | None) -> str:
    rows, cols = frame.shape
    text = f"{rows:,} row{'s' if rows != 1 else ''} × {cols} column{'s' if cols != 1 else ''}."
    if shown < rows:
        text += f" The table shows the first {shown:,}; the DataFrame holds all {rows:,}."
    if notice:
        text += " " + notice
    return text


def frame_html(
    frame: pd.DataFrame,
    *,
    fields: Sequence[SparkField] | None = None,
    notice: str | None = None,
    max_rows: int = HTML_MAX_ROWS,
) -> str:
    """An HTML table: column names with their types, sticky header, scrolling, nulls marked.

    :param frame: the rows.
    :param fields: the Spark schema (types in the header); ``None`` shows pandas dtypes.
    :param notice: a line to add under the table (e.g. the truncation notice).
    :param max_rows: rows to draw.
    :return: the HTML (every value escaped).
    """
    types = _column_types(frame, fields)
    kinds = _kinds(frame, fields)
    shown = frame.iloc[:max_rows]
    numeric = [_is_numeric(frame.iloc[:, i]) for i in range(frame.shape[1])]
    head = [f'<th class="sparkwire-result-index" style="{_TH_STYLE}"></th>']
    for name, kind in zip(frame.columns, types):
        head.append(
            f'<th style="{_TH_STYLE}">{html.escape(str(name))}<br>'
            f'<span class="sparkwire-result-type" style="{_TYPE_STYLE}">{html.escape(kind)}</span></th>'
        )
    columns = []
    for i in range(shown.shape[1]):
        style = _NUM_STYLE if numeric[i] else _TD_STYLE
        cells = []
        for value in shown.iloc[:, i].tolist():
            text = format_cell(value, kinds[i])
            cells.append(
                f'<td style="{style}">{_NULL_HTML if text is None else html.escape(_clip(text))}</td>'
            )
        columns.append(cells)
    body = []
    for r in range(len(shown)):
        row = "".join(column[r] for column in columns)
        body.append(f'<tr><td class="sparkwire-result-index" style="{_INDEX_STYLE}">{r}</td>{row}</tr>')
    summary = html.escape(_summary(frame, len(shown), notice))
    return (
        f'<div class="sparkwire-result"><div class="sparkwire-result-scroll" style="{_WRAP_STYLE}">'
        f'<table class="sparkwire-result-table" style="{_TABLE_STYLE}"><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
        f'<p class="sparkwire-result-notice" style="{_NOTE_STYLE}">{summary}</p></div>'
    )


def frame_text(
    frame: pd.DataFrame,
    *,
    fields: Sequence[SparkField] | None = None,
    notice: str | None = None,
    max_rows: int = _TEXT_ROWS,
) -> str:
    """An aligned text table (header ``name: type``), for frontends that show only ``text/plain``.

    :param frame: the rows.
    :param fields: the Spark schema; ``None`` shows pandas dtypes.
    :param notice: a line to add at the end.
    :param max_rows: rows to show.
    :return: the text.
    """
    types = _column_types(frame, fields)
    kinds = _kinds(frame, fields)
    shown = frame.iloc[:max_rows]
    columns = [[format_cell(v, kinds[i]) for v in shown.iloc[:, i].tolist()] for i in range(shown.shape[1])]
    rows = tuple(list(row) for row in zip(*columns)) if columns else tuple([] for _ in range(len(shown)))
    table = Table(
        tuple((f"{name}: {kind}", kind) for name, kind in zip(map(str, frame.columns), types)),
        rows,
        total_rows=len(frame),
    )
    return table_text(table, max_rows=max_rows) + "\n" + _summary(frame, len(frame), notice)


def result_bundle(
    frame: pd.DataFrame,
    *,
    fields: Sequence[SparkField] | None = None,
    notice: str | None = None,
    widgets: bool = False,
    max_rows: int = HTML_MAX_ROWS,
) -> dict[str, Any]:
    """The bundle to display for a result: HTML and text tables, plus the table/chart widget view
    when ``widgets`` (the frontend picks the richest type it renders, so the HTML table remains for
    nbconvert, GitHub and other widget-less viewers).

    :param frame: the rows.
    :param fields: the Spark schema.
    :param notice: e.g. ``QueryResult.notice``.
    :param widgets: include the interactive view (``DisplaySink.widgets_available()``).
    :param max_rows: rows drawn in the HTML table.
    :return: MIME type → data.
    """
    table_html = frame_html(frame, fields=fields, notice=notice, max_rows=max_rows)
    bundle: dict[str, Any] = {
        "text/html": table_html,
        "text/plain": frame_text(frame, fields=fields, notice=notice),
    }
    if widgets and importlib.util.find_spec("plotly") is not None:
        # The view's Chart mode draws with plotly (the `charts` extra); without it, the tables alone.
        from .chart import result_view

        view = result_view(frame, table_bundle={"text/html": table_html}, fields=fields)
        bundle[WIDGET_MIME] = view._repr_mimebundle_()[WIDGET_MIME]
    return bundle
