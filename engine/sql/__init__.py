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
"""

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
