"""Small helpers that make each front door (kernel ``%%sql``, magics ``-c sql -o``) a few lines.

::

    result = transfer.fetch(client, session_id, query, session_kind=handle.kind)
    if query.output_var:
        user_ns[query.output_var] = result.frame
    if not query.quiet:
        sink.display(result_bundle_for(result, widgets=sink.widgets_available()), display_id=...)

A Remote PySpark cell whose last expression is a DataFrame: run the cell as usual, then::

    shown = fetch_last_value(transfer, client, session_id, output.text)
    if shown is not None:
        stdout = without_repr_line(output.text)      # the rest of what the cell printed
        ... display result_bundle_for(shown, ...) instead of the "DataFrame[...]" line
"""

from __future__ import annotations

from typing import Any

from sparkwire.engine.execution import ProgressCallback
from sparkwire.livy import LivyClient

from .errors import NoDataFrame
from .query import DISPLAY_MAX_ROWS, SqlQuery, dataframe_repr_line
from .render import result_bundle
from .transfer import QueryResult, SqlTransfer

__all__ = ["fetch_last_value", "result_bundle_for", "without_repr_line"]


def result_bundle_for(result: QueryResult, *, widgets: bool = False) -> dict[str, Any]:
    """The MIME bundle showing a fetched result: typed table, notice, and the chart view if ``widgets``.

    :param result: the result.
    :param widgets: the frontend renders ipywidgets.
    :return: the bundle.
    """
    return result_bundle(result.frame, fields=result.fields, notice=result.notice, widgets=widgets)


def fetch_last_value(
    transfer: SqlTransfer,
    client: LivyClient,
    session_id: int,
    text: str | None,
    *,
    max_rows: int = DISPLAY_MAX_ROWS,
    on_progress: ProgressCallback | None = None,
) -> QueryResult | None:
    """If a cell's output ends with a DataFrame's repr, fetch that DataFrame (Python's ``_``) as a table.

    One extra statement, only when the text ends with ``DataFrame[...]``; the value is fetched only if
    its repr is that line, so a printed repr never fetches a stale ``_``.

    :param transfer: the transfer.
    :param client: the session's endpoint client.
    :param session_id: the session the cell ran in (pyspark or shared).
    :param text: the cell's ``text/plain`` output.
    :param max_rows: rows to fetch (the DataFrame is computed to show them).
    :param on_progress: statement progress callback.
    :return: the result, or ``None`` when the cell did not end with a DataFrame.
    :raises QueryFailed: if computing the DataFrame failed (show it as the cell's error).
    """
    line = dataframe_repr_line(text)
    if line is None:
        return None
    try:
        return transfer.fetch(
            client, session_id, SqlQuery.from_last_value(line, max_rows=max_rows), on_progress=on_progress
        )
    except NoDataFrame:
        return None


def without_repr_line(text: str | None) -> str:
    """A cell's text without its final ``DataFrame[...]`` line (shown as a table instead).

    :param text: the cell's ``text/plain``.
    :return: the remaining text (may be empty).
    """
    if not text or dataframe_repr_line(text) is None:
        return text or ""
    body = text.rstrip()
    return body[: body.rfind("\n") + 1] if "\n" in body else ""
