"""One query holding every Spark type the issue lists, with nulls, and the pandas result it must give.

Rows: typical values, all nulls, extremes. The session time zone is ``SESSION_ZONE`` (conftest), so the
timestamp literals below are New York wall-clock times.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pandas as pd

from .conftest import SESSION_ZONE

QUERY = """
SELECT *, 1 AS nn, 'left' AS dup, 'right' AS dup FROM VALUES
  (CAST(1 AS TINYINT), CAST(-2 AS SMALLINT), 3, CAST(4 AS BIGINT), CAST(1.5 AS FLOAT), 2.25D,
   CAST('12.345' AS DECIMAL(10,3)), true, '007', '2024-01-02', DATE'2024-01-02',
   TIMESTAMP'2024-01-02 03:04:05.123456', TIMESTAMP_NTZ'2024-01-02 03:04:05', X'00FF',
   ARRAY(1, NULL), MAP('a', 1), NAMED_STRUCT('x', 1, 'y', 'z'), CAST(NULL AS INT)),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   CAST(NULL AS INT)),
  (CAST(-128 AS TINYINT), CAST(32767 AS SMALLINT), 2147483647, 9223372036854775807L, CAST(-0.5 AS FLOAT),
   1e300D, CAST('-0.001' AS DECIMAL(10,3)), false, '1e5', '2024-13-45', DATE'9999-12-31',
   TIMESTAMP'1969-12-31 23:59:59.999999', TIMESTAMP_NTZ'0001-01-01 00:00:00', X'',
   CAST(ARRAY() AS ARRAY<INT>), MAP('b', CAST(NULL AS INT)), NAMED_STRUCT('x', CAST(NULL AS INT), 'y', 'ü😀'),
   CAST(NULL AS INT))
AS t(b, s, i, l, f, d, dec, bo, numstr, datestr, dt, ts, ntz, bin, arr, mp, st, allnull)
"""

COLUMNS = [
    "b",
    "s",
    "i",
    "l",
    "f",
    "d",
    "dec",
    "bo",
    "numstr",
    "datestr",
    "dt",
    "ts",
    "ntz",
    "bin",
    "arr",
    "mp",
    "st",
    "allnull",
    "nn",
    "dup",
    "dup",
]

SPARK_TYPES = [
    "tinyint",
    "smallint",
    "int",
    "bigint",
    "float",
    "double",
    "decimal(10,3)",
    "boolean",
    "string",
    "string",
    "date",
    "timestamp",
    "timestamp_ntz",
    "binary",
    "array<int>",
    "map<string,int>",
    "struct<x:int,y:string>",
    "int",
    "int",
    "string",
    "string",
]

DTYPES = [
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "float32",
    "float64",
    "object",
    "boolean",
    "object",
    "object",
    "datetime64[s]",
    f"datetime64[us, {SESSION_ZONE}]",
    "datetime64[us]",
    "object",
    "object",
    "object",
    "object",
    "Int32",
    "int32",
    "object",
    "object",
]

NA = pd.NA
NAT = pd.NaT


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=SESSION_ZONE)


VALUES: list[list[Any]] = [
    [1, NA, -128],
    [-2, NA, 32767],
    [3, NA, 2147483647],
    [4, NA, 9223372036854775807],
    [1.5, math.nan, -0.5],
    [2.25, math.nan, 1e300],
    [Decimal("12.345"), None, Decimal("-0.001")],
    [True, NA, False],
    ["007", None, "1e5"],
    ["2024-01-02", None, "2024-13-45"],
    [pd.Timestamp("2024-01-02"), NAT, pd.Timestamp("9999-12-31").as_unit("s")],
    [_ts("2024-01-02 03:04:05.123456"), NAT, _ts("1969-12-31 23:59:59.999999")],
    [pd.Timestamp("2024-01-02 03:04:05"), NAT, pd.Timestamp("0001-01-01").as_unit("us")],
    [b"\x00\xff", None, b""],
    [[1, None], None, []],
    [{"a": 1}, None, {"b": None}],
    [{"x": 1, "y": "z"}, None, {"x": None, "y": "ü😀"}],
    [NA, NA, NA],
    [1, 1, 1],
    ["left", "left", "left"],
    ["right", "right", "right"],
]


def same(actual: Any, expected: Any) -> bool:
    """Equal, treating NA/NaN/NaT/None as equal only to the same kind of missing."""
    if expected is NA or expected is NAT or expected is None:
        return actual is expected
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return bool(actual == expected) and type(actual) is type(expected)


def check_frame(frame: pd.DataFrame, *, second_precision: bool = False) -> None:
    """Assert the frame is exactly the expected result: names, order, dtypes, values.

    :param second_precision: Livy's SQL interpreter sends timestamps to the second.
    """
    assert list(frame.columns) == COLUMNS
    assert [str(t) for t in frame.dtypes] == DTYPES
    for index, (name, expected) in enumerate(zip(COLUMNS, VALUES)):
        actual = frame.iloc[:, index].tolist()
        if second_precision and name == "ts":
            expected = [v if v is NAT else v.floor("s") for v in expected]
        assert len(actual) == len(expected), name
        for row, (got, want) in enumerate(zip(actual, expected)):
            assert same(got, want), f"{name}[{row}]: {got!r} ({type(got).__name__}) != {want!r}"
