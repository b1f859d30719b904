"""Livy's SQL interpreter: run one statement with ``spark.sql`` and return its first rows as JSON.

Success is ``application/json`` = ``{"schema": <DataFrame.schema.json()>, "data": [[...], ...]}`` with
at most ``max_rows`` rows (Livy's ``livy.rsc.sql.num-rows``, 1000 by default); values are rendered as
:mod:`.sql_json` describes. Failure is ename ``"Error"``, evalue the JVM exception's message, and the
traceback its stack frames, one ``StackTraceElement`` per line (``org.apache...(File.scala:12)``) as
Livy sends them; Python-side failures give their Python traceback instead.

Unlike Livy, top-level columns PySpark cannot collect (year-month and calendar intervals) are fetched
as their SQL string form; the schema still names their real type.
"""

from __future__ import annotations

import json
import traceback
from typing import TYPE_CHECKING

from pyspark.sql import types as T

from .result import ExecutionResult, safe_str
from .sql_json import converter_for

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["DEFAULT_MAX_ROWS", "run_sql"]

DEFAULT_MAX_ROWS = 1000
"""Livy's default for ``livy.rsc.sql.num-rows``."""

# Types whose values PySpark cannot collect; CalendarIntervalType exists in Python from Spark 4.0 on.
_UNCOLLECTABLE = tuple(
    t for t in (T.YearMonthIntervalType, getattr(T, "CalendarIntervalType", None)) if t is not None
)


def run_sql(spark: SparkSession, code: str, max_rows: int = DEFAULT_MAX_ROWS) -> ExecutionResult:
    """Run one SQL statement and return Livy's SQL output.

    :param spark: the session's SparkSession.
    :param code: one SQL statement.
    :param max_rows: the most rows to return; the query itself is not limited, only what is fetched.
    :raises ValueError: if ``max_rows`` is negative.
    :raises KeyboardInterrupt: passed through, so the caller can report the statement cancelled.
    """
    if max_rows < 0:
        raise ValueError(f"max_rows must be >= 0, not {max_rows}")
    try:
        frame = spark.sql(code)
        schema = frame.schema
        rows = _collectable(frame).take(max_rows) if max_rows else []
    except Exception as exc:  # noqa: BLE001 - any failure is the statement's error output, as in Livy
        return _error(exc)
    converters = [converter_for(field.dataType) for field in schema.fields]
    data = [[convert(value) for convert, value in zip(converters, row)] for row in rows]
    return ExecutionResult.ok({"application/json": {"schema": json.loads(schema.json()), "data": data}})


def _collectable(frame: DataFrame) -> DataFrame:
    """The frame with top-level columns PySpark cannot turn into Python values cast to strings."""
    fields = frame.schema.fields
    if not any(isinstance(field.dataType, _UNCOLLECTABLE) for field in fields):
        return frame
    columns = [
        frame[index].cast("string").alias(field.name)
        if isinstance(field.dataType, _UNCOLLECTABLE)
        else frame[index]
        for index, field in enumerate(fields)
    ]
    return frame.select(*columns)


def _error(exc: Exception) -> ExecutionResult:
    # PySpark's CapturedException keeps the JVM's message and printed stack trace in fields: private in
    # 4.x (`_desc`, `_stackTrace`; no public accessor, getMessage() rebuilds a different text), public in
    # 3.5 (`desc`, `stackTrace`). Whichever this PySpark has is used.
    message = getattr(exc, "_desc", getattr(exc, "desc", None))
    stack = getattr(exc, "_stackTrace", getattr(exc, "stackTrace", None))
    if isinstance(message, str) and isinstance(stack, str):
        return ExecutionResult.error("Error", message, _java_frames(stack))
    return ExecutionResult.error("Error", safe_str(exc), traceback.format_exception(exc, chain=False))


def _java_frames(stack: str) -> list[str]:
    """The top exception's ``at ...`` lines of a printed Java stack trace, without the ``at``."""
    frames: list[str] = []
    for line in stack.splitlines():
        if line.startswith(("Caused by:", "\tSuppressed:")):
            break
        if line.startswith("\tat "):
            frames.append(line[len("\tat ") :])
    return frames
