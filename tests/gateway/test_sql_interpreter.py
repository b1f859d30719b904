"""The worker's SQL interpreter on real PySpark: Livy's ``application/json`` schema-and-rows output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pyspark.sql import SparkSession

from sparkwire.gateway.worker.sql import run_sql


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One small local SparkSession for the module, stopped at the end."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        session = (
            SparkSession.builder.master("local[1]")
            .appName("sparkwire-test-sql")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            # Literals are read in this zone; the expected UTC strings below assume it.
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
        try:
            yield session
        finally:
            session.stop()


def sql_json(spark: SparkSession, code: str, max_rows: int = 1000) -> dict[str, Any]:
    """The ``application/json`` value of a query that must succeed."""
    result = run_sql(spark, code, max_rows)
    assert result.is_ok, result
    assert set(result.data) == {"application/json"}
    value: dict[str, Any] = result.data["application/json"]
    json.dumps(value, allow_nan=False)  # what the process loop sends must be plain JSON
    return value


def test_sql_gives_schema_and_rows(spark: SparkSession) -> None:
    output = run_sql(spark, "SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'").to_output(5)
    assert output == {
        "status": "ok",
        "execution_count": 5,
        "data": {
            "application/json": {
                "schema": {
                    "type": "struct",
                    "fields": [
                        {"name": "a", "type": "integer", "nullable": False, "metadata": {}},
                        {"name": "b", "type": "string", "nullable": False, "metadata": {}},
                    ],
                },
                "data": [[1, "x"], [2, "y"]],
            }
        },
    }


@pytest.mark.parametrize(
    ("max_rows", "expected"), [(3, [[0], [1], [2]]), (0, []), (1000, [[i] for i in range(10)])]
)
def test_sql_rows_are_capped(spark: SparkSession, max_rows: int, expected: list[list[int]]) -> None:
    assert sql_json(spark, "SELECT id FROM range(10)", max_rows)["data"] == expected


def test_sql_negative_max_rows_is_a_caller_error(spark: SparkSession) -> None:
    with pytest.raises(ValueError, match="max_rows"):
        run_sql(spark, "SELECT 1", -1)


@dataclass(frozen=True)
class Value:
    """One SQL expression and the JSON value Livy's interpreter gives for it."""

    id: str
    expression: str
    expected: Any


VALUES = [
    Value("date", "DATE'2024-01-31'", "2024-01-31"),
    Value("decimal as a number", "CAST(1.50 AS DECIMAL(5, 2))", 1.5),
    Value("big decimal", "CAST(12345678901.25 AS DECIMAL(20, 2))", 12345678901.25),
    Value("null", "CAST(NULL AS INT)", None),
    Value("bigint", "9007199254740993L", 9007199254740993),
    Value("boolean", "true", True),
    Value("double", "0.25D", 0.25),
    Value("NaN as Jackson writes it", "CAST('NaN' AS DOUBLE)", "NaN"),
    Value("infinity", "CAST('-Infinity' AS DOUBLE)", "-Infinity"),
    Value("timestamp: UTC, whole seconds", "TIMESTAMP'2024-01-02 03:04:05.678'", "2024-01-02T03:04:05Z"),
    Value("timestamp_ntz: wall clock", "TIMESTAMP_NTZ'2024-01-02 03:04:05'", "2024-01-02T03:04:05"),
    Value("binary as signed bytes", "X'00017F80FF'", [0, 1, 127, -128, -1]),
    Value("array", "array(1, NULL, 3)", [1, None, 3]),
    Value("map", "map('k', DATE'2024-01-31')", {"k": "2024-01-31"}),
    Value("map with int keys", "map(1, 'one')", {"1": "one"}),
    Value("struct as an object", "named_struct('x', 1, 'y', array('a'))", {"x": 1, "y": ["a"]}),
    Value("day-time interval", "INTERVAL '1 02:03:04.5' DAY TO SECOND", "PT26H3M4.5S"),
    Value("year-month interval", "INTERVAL '1-2' YEAR TO MONTH", "INTERVAL '1-2' YEAR TO MONTH"),
]


@pytest.mark.parametrize("value", VALUES, ids=[value.id for value in VALUES])
def test_sql_values_are_json_as_livy_sends_them(spark: SparkSession, value: Value) -> None:
    assert sql_json(spark, f"SELECT {value.expression} AS v")["data"] == [[value.expected]]


def test_sql_statements_without_rows(spark: SparkSession) -> None:
    created = sql_json(spark, "CREATE OR REPLACE TEMP VIEW sparkwire_view AS SELECT 1 AS a")
    assert created == {"schema": {"type": "struct", "fields": []}, "data": []}
    assert sql_json(spark, "SELECT * FROM sparkwire_view")["data"] == [[1]]


@pytest.mark.parametrize(
    ("code", "condition"),
    [("SELECT * FROM sparkwire_no_such_table", "TABLE_OR_VIEW_NOT_FOUND"), ("SELEC 1", "PARSE_SYNTAX_ERROR")],
)
def test_sql_failure_is_livys_error_output(spark: SparkSession, code: str, condition: str) -> None:
    output = run_sql(spark, code).to_output(2)
    assert (output["status"], output["execution_count"], output["ename"]) == ("error", 2, "Error")
    assert condition in output["evalue"]
    assert "JVM stacktrace" not in output["evalue"]
    traceback = output["traceback"]
    assert traceback, output
    # Java StackTraceElement.toString() lines, as Livy sends them: "pkg.Class.method(File.scala:12)".
    assert all(not line.startswith(("\t", "at ")) and line.endswith(")") for line in traceback), traceback
    assert any(line.startswith("org.apache.spark.") for line in traceback), traceback


def test_sql_runtime_failure_is_an_error(spark: SparkSession) -> None:
    result = run_sql(spark, "SELECT assert_true(id < 0) FROM range(2)")
    assert (result.status, result.ename) == ("error", "Error")
    assert result.evalue
