"""sparkwire.engine.sql: query results into pandas with exact types, local data into Spark, tables and charts.

::

    from sparkwire.engine.sql import SqlQuery, SqlTransfer, result_bundle_for, send_to_spark

    transfer = SqlTransfer()                                  # one per engine: caches session probes
    result = transfer.fetch(client, session_id, SqlQuery.from_sql("SELECT * FROM t", max_rows=-1))
    result.frame          # pandas, dtypes from the Spark schema
    result.notice         # "Showing 10,000 of more than 10,000 rows ..." or None
    bundle = result_bundle_for(result, widgets=True)          # HTML + text table, table/chart widget
    send_to_spark(transfer, client, session_id, local_df, "remote_df")

Modules: ``query`` (:class:`SqlQuery`, remote code from JSON literals), ``transfer`` (fetching, chunks,
capability probe), ``decode`` (Arrow/JSON → pandas), ``schema`` (Spark schema JSON), ``send``
(``%%send_to_spark``), ``render`` and ``chart`` (MIME bundles), ``cells`` (front-door helpers),
``errors``, and ``_remote`` with ``_remote_codec`` (the helper that runs inside the session).

The names below load their module on first use (PEP 562): pandas, pyarrow and plotly stay out of a
kernel's start-up, and ``sparkwire.engine.sql.query`` can be imported on its own.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the real imports, for type checkers and editors
    from .cells import fetch_last_value, result_bundle_for, without_repr_line
    from .chart import AGGREGATIONS, CHART_KINDS, PLOTLY_MIME, chart_bundle, chart_figure, result_view
    from .decode import frame_from_arrow, frame_from_columns, frame_from_livy_rows
    from .errors import NoDataFrame, QueryFailed, SqlError, TransferFailed
    from .query import (
        DEFAULT_MAX_ROWS,
        DEFAULT_SAMPLE_FRACTION,
        DISPLAY_MAX_ROWS,
        SampleMethod,
        SqlQuery,
        dataframe_repr_line,
        json_literal,
        parse_response,
        remote_call,
    )
    from .render import HTML_MAX_ROWS, WIDGET_MIME, format_cell, frame_html, frame_text, result_bundle
    from .schema import SparkField, arrow_type, parse_schema, type_name
    from .send import SendResult, send_to_spark, spark_type_for
    from .transfer import (
        DEFAULT_CHUNK_BYTES,
        DEFAULT_TAKE_THRESHOLD,
        SCHEMA_ATTR,
        Compression,
        Encoding,
        QueryResult,
        RemoteCapabilities,
        SqlTransfer,
    )

# name -> the submodule that defines it
_MODULES = {
    "fetch_last_value": "cells",
    "result_bundle_for": "cells",
    "without_repr_line": "cells",
    "AGGREGATIONS": "chart",
    "CHART_KINDS": "chart",
    "PLOTLY_MIME": "chart",
    "chart_bundle": "chart",
    "chart_figure": "chart",
    "result_view": "chart",
    "frame_from_arrow": "decode",
    "frame_from_columns": "decode",
    "frame_from_livy_rows": "decode",
    "NoDataFrame": "errors",
    "QueryFailed": "errors",
    "SqlError": "errors",
    "TransferFailed": "errors",
    "DEFAULT_MAX_ROWS": "query",
    "DEFAULT_SAMPLE_FRACTION": "query",
    "DISPLAY_MAX_ROWS": "query",
    "SampleMethod": "query",
    "SqlQuery": "query",
    "dataframe_repr_line": "query",
    "json_literal": "query",
    "parse_response": "query",
    "remote_call": "query",
    "HTML_MAX_ROWS": "render",
    "WIDGET_MIME": "render",
    "format_cell": "render",
    "frame_html": "render",
    "frame_text": "render",
    "result_bundle": "render",
    "SparkField": "schema",
    "arrow_type": "schema",
    "parse_schema": "schema",
    "type_name": "schema",
    "SendResult": "send",
    "send_to_spark": "send",
    "spark_type_for": "send",
    "DEFAULT_CHUNK_BYTES": "transfer",
    "DEFAULT_TAKE_THRESHOLD": "transfer",
    "SCHEMA_ATTR": "transfer",
    "Compression": "transfer",
    "Encoding": "transfer",
    "QueryResult": "transfer",
    "RemoteCapabilities": "transfer",
    "SqlTransfer": "transfer",
}

__all__ = [
    "AGGREGATIONS",
    "CHART_KINDS",
    "DEFAULT_CHUNK_BYTES",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_SAMPLE_FRACTION",
    "DEFAULT_TAKE_THRESHOLD",
    "DISPLAY_MAX_ROWS",
    "HTML_MAX_ROWS",
    "PLOTLY_MIME",
    "SCHEMA_ATTR",
    "WIDGET_MIME",
    "Compression",
    "Encoding",
    "NoDataFrame",
    "QueryFailed",
    "QueryResult",
    "RemoteCapabilities",
    "SampleMethod",
    "SendResult",
    "SparkField",
    "SqlError",
    "SqlQuery",
    "SqlTransfer",
    "TransferFailed",
    "arrow_type",
    "chart_bundle",
    "chart_figure",
    "dataframe_repr_line",
    "fetch_last_value",
    "format_cell",
    "frame_from_arrow",
    "frame_from_columns",
    "frame_from_livy_rows",
    "frame_html",
    "frame_text",
    "json_literal",
    "parse_response",
    "parse_schema",
    "remote_call",
    "result_bundle",
    "result_bundle_for",
    "result_view",
    "send_to_spark",
    "spark_type_for",
    "type_name",
    "without_repr_line",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
