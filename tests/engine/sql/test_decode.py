"""Decoding without Spark: dtypes come from the schema, for Arrow tables and both JSON forms."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from sparkwire.engine.sql import (
    SparkField,
    arrow_type,
    frame_from_arrow,
    frame_from_columns,
    frame_from_livy_rows,
)
from sparkwire.engine.sql.schema import parse_schema, type_name


def field(type_: Any, nullable: bool = True, name: str = "c") -> SparkField:
    return SparkField(name, type_, nullable)


def test_dtypes_follow_the_schema_not_the_values() -> None:
    fields = [
        field("integer"),
        field("integer", nullable=False),
        field("boolean"),
        field("string"),
        field("long"),
        field("date"),
        field("timestamp"),
    ]
    # No nulls in the data: nullable columns still get nullable dtypes; all-null columns keep theirs.
    table = pa.table(
        [
            pa.array([1, 2], pa.int32()),
            pa.array([1, 2], pa.int32()),
            pa.array([True, False]),
            pa.array(["1", "2"]),
            pa.array([None, None], pa.int64()),
            pa.array([None, None], pa.date32()),
            pa.array([None, None], pa.timestamp("us", "UTC")),
        ],
        names=list("abcdefg"),
    )
    frame = frame_from_arrow(table, fields, "UTC")
    assert [str(t) for t in frame.dtypes] == [
        "Int32",
        "int32",
        "boolean",
        "object",
        "Int64",
        "datetime64[s]",
        "datetime64[us, UTC]",
    ]
    assert frame.iloc[:, 3].tolist() == ["1", "2"]  # digit strings stay strings
    assert list(frame.columns) == ["c"] * 7  # names from the schema, duplicates and all


def test_empty_results_keep_their_dtypes() -> None:
    fields = parse_schema(
        {
            "type": "struct",
            "fields": [
                {"name": "a", "type": "short", "nullable": True},
                {"name": "b", "type": "decimal(5,2)", "nullable": True},
                {
                    "name": "c",
                    "type": {"type": "array", "elementType": "string", "containsNull": True},
                    "nullable": True,
                },
            ],
        }
    )
    frame = frame_from_columns([[], [], []], fields, "UTC")
    assert frame.shape == (0, 3)
    assert [str(t) for t in frame.dtypes] == ["Int16", "object", "object"]


def test_livy_sql_json_values_are_read_by_type() -> None:
    fields = [
        field("double"),
        field("decimal(6,3)"),
        field("binary"),
        field("timestamp"),
        field("date"),
        field("interval day to second"),
        field({"type": "map", "keyType": "integer", "valueType": "string", "valueContainsNull": True}),
        field({"type": "struct", "fields": [{"name": "x", "type": "long", "nullable": True}]}),
        field("variant"),
        field("interval year to month"),
    ]
    row = [
        "NaN",
        1.5,
        [0, -1, 127],
        "2024-01-02T08:04:05Z",
        "2024-01-02",
        "PT-1H-30M",
        {"1": "a"},
        {"x": 3},
        {"k": [1]},
        "INTERVAL '1-2' YEAR TO MONTH",
    ]
    frame = frame_from_livy_rows([row], fields, "America/New_York")
    values = [frame.iloc[0, i] for i in range(len(fields))]
    assert pd.isna(values[0])
    assert values[1] == Decimal("1.500")
    assert values[2] == b"\x00\xff\x7f"
    assert values[3] == pd.Timestamp("2024-01-02 03:04:05", tz="America/New_York")
    assert values[4] == pd.Timestamp("2024-01-02")
    assert values[5] == pd.Timedelta(hours=-1, minutes=-30)
    assert values[6] == {1: "a"} and values[7] == {"x": 3}
    assert values[8] == '{"k": [1]}' and values[9] == "INTERVAL '1-2' YEAR TO MONTH"


@pytest.mark.parametrize(
    ("zone", "offset"), [("+08:00", 8), ("GMT-3", -3), ("UTC", 0), ("Nowhere/Atlantis", 0)]
)
def test_spark_zone_spellings_are_understood(zone: str, offset: int) -> None:
    frame = frame_from_columns([[0]], [field("timestamp")], zone)
    assert frame.iloc[0, 0].utcoffset() == datetime.timedelta(hours=offset)


def test_type_names_and_arrow_types() -> None:
    nested = {
        "type": "map",
        "keyType": "string",
        "valueType": {"type": "array", "elementType": "decimal(3,1)", "containsNull": True},
        "valueContainsNull": True,
    }
    assert type_name(nested) == "map<string,array<decimal(3,1)>>"
    assert type_name("long") == "bigint" and type_name("byte") == "tinyint"
    assert arrow_type(nested) == pa.map_(pa.string(), pa.list_(pa.decimal128(3, 1)))
    assert arrow_type("interval year to month") == pa.string()
    assert arrow_type("timestamp_ntz") == pa.timestamp("us")
    with pytest.raises(TypeError):
        parse_schema({"fields": "nope"})
