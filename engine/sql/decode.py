"""Results → pandas, with dtypes that follow the Spark schema (never guessed from the values).

Every path (Arrow IPC, sparkwire's JSON encoding, Livy's ``sql``-kind JSON) first becomes Arrow arrays
of the Spark type's Arrow form (:func:`.schema.arrow_type`); one converter then makes the pandas
columns, so all paths give the same dtypes:

=====================================  ==================================================================
Spark type                             pandas dtype
=====================================  ==================================================================
tinyint, smallint, int, bigint         ``Int8`` … ``Int64`` (nullable) if the column is nullable,
                                       else ``int8`` … ``int64``
float, double                          ``float32``, ``float64`` (null becomes NaN)
decimal(p,s)                           ``object``: :class:`decimal.Decimal` (None for null), exact
boolean                                ``boolean`` (nullable) if the column is nullable, else ``bool``
string, char, varchar                  ``object``: ``str`` (None for null); never converted
date                                   ``datetime64[s]``: midnight; covers years 1–9999 as Spark does
timestamp                              ``datetime64[us, <session time zone>]``
timestamp_ntz                          ``datetime64[us]``
interval day to second                 ``timedelta64[us]``
binary                                 ``object``: ``bytes``
array, map, struct                     ``object``: ``list``, ``dict``, ``dict`` (nested values as Python
                                       objects: ``date``, ``datetime`` in the session zone, ``Decimal``)
void (NULL literal)                    ``object``: None
other intervals, variant, UDTs         ``object``: their string form
=====================================  ==================================================================

Column order and duplicate names are kept; a column that is null in every row keeps its dtype.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .schema import SparkField, arrow_type, contains_type, decimal_params, simple_type

__all__ = ["frame_from_arrow", "frame_from_columns", "frame_from_livy_rows"]

_NULLABLE_INTS = {
    "byte": pd.Int8Dtype(),
    "short": pd.Int16Dtype(),
    "integer": pd.Int32Dtype(),
    "long": pd.Int64Dtype(),
}
_NUMPY_INTS = {"byte": np.int8, "short": np.int16, "integer": np.int32, "long": np.int64}


def _with_zone(data_type: pa.DataType, zone: str) -> pa.DataType:
    """The same Arrow type with every timestamp that has a zone put in ``zone`` (metadata only)."""
    if pa.types.is_timestamp(data_type) and data_type.tz is not None:
        return pa.timestamp(data_type.unit, tz=zone)
    if pa.types.is_map(data_type):
        return pa.map_(_with_zone(data_type.key_type, zone), _with_zone(data_type.item_type, zone))
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return pa.list_(_with_zone(data_type.value_type, zone))
    if pa.types.is_struct(data_type):
        # Nullable: a null struct's non-nullable children hold nulls, which a cast would refuse.
        return pa.struct([f.with_type(_with_zone(f.type, zone)).with_nullable(True) for f in data_type])
    return data_type


def _zone(name: str) -> Any:
    """A time zone pandas knows for Spark's ``spark.sql.session.timeZone`` (IANA name, ``UTC``, or an
    offset such as ``+08:00`` / ``GMT+8``); UTC if it cannot be read."""
    try:
        pd.Timestamp(0, tz=name)
    except Exception:  # noqa: BLE001 - Spark accepts zone spellings pandas does not
        known = False
    else:
        known = True
    if known:
        return name
    match = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2})(?::?(\d{2}))?", name.strip())
    if match is None:
        return "UTC"
    sign = -1 if match.group(1) == "-" else 1
    offset = datetime.timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    return datetime.timezone(sign * offset)


def _objects(values: list[Any]) -> np.ndarray[Any, Any]:
    # Not np.array(values): that would turn a column of equal-length lists into a 2-D array.
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _texts(data: pa.ChunkedArray) -> Any:
    """Strings or bytes as an object array. Repeated values share one Python object (as in pyarrow's
    ``to_pandas``), which saves memory for columns of few distinct values but costs time for mostly
    distinct ones (15 ms per 100k values): judge by a sample."""
    sample = data.slice(0, 2048)
    if len(sample) and pc.count_distinct(sample).as_py() > len(sample) // 2:
        return data.to_numpy(zero_copy_only=False)
    return data.to_pandas().to_numpy(dtype=object)


def _column(data: pa.ChunkedArray, spark_field: SparkField, zone: str) -> Any:
    kind = simple_type(spark_field.type)
    nullable = spark_field.nullable or data.null_count > 0
    if kind in _NULLABLE_INTS:
        data = data.cast(arrow_type(spark_field.type))
        if nullable:
            return _NULLABLE_INTS[kind].__from_arrow__(data)  # type: ignore[attr-defined]  # pandas-stubs lacks it
        return data.to_numpy().astype(_NUMPY_INTS[kind], copy=False)
    if kind in ("float", "double"):
        return data.cast(arrow_type(spark_field.type)).to_numpy(zero_copy_only=False)
    if kind == "boolean":
        if nullable:
            return pd.BooleanDtype().__from_arrow__(data.cast(pa.bool_()))  # type: ignore[attr-defined]  # as above
        return data.to_numpy(zero_copy_only=False).astype(bool, copy=False)
    if kind == "date":
        return data.cast(pa.timestamp("s")).to_numpy()
    if kind == "timestamp":
        utc = pd.Series(data.cast(pa.timestamp("us", tz="UTC")).to_pandas(coerce_temporal_nanoseconds=False))
        return utc.dt.tz_convert(_zone(zone)).array
    if kind == "timestamp_ntz":
        return data.cast(pa.timestamp("us")).to_numpy()
    if kind == "daytime_interval":
        return data.cast(pa.duration("us")).to_numpy()
    if kind in ("array", "map", "struct"):
        if contains_type(spark_field.type, frozenset({"timestamp"})):  # nested instants: session zone
            data = data.cast(_with_zone(data.type, zone))
        return _objects(data.to_pylist(maps_as_pydicts="lossy"))
    if kind in ("string", "binary"):
        return _texts(data)
    if kind == "decimal":
        return data.to_numpy(zero_copy_only=False)
    if kind == "null":
        return _objects([None] * len(data))
    return _objects([None if v is None else str(v) for v in data.to_pylist()])


def frame_from_arrow(table: pa.Table, fields: Sequence[SparkField], zone: str) -> pd.DataFrame:
    """Turn a fetched Arrow table into pandas, column by column in the order of ``fields``.

    :param table: the table (its column names are ignored; Spark's may repeat).
    :param fields: the Spark schema of the result: names and types.
    :param zone: the session time zone, for timestamps.
    :return: the DataFrame, its columns named as ``fields``.
    :raises ValueError: if the table's width does not match the schema.
    """
    if table.num_columns != len(fields):
        raise ValueError(f"the result has {table.num_columns} columns but its schema {len(fields)}")
    columns = {
        index: _column(table.column(index), spark_field, zone) for index, spark_field in enumerate(fields)
    }
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows), copy=False)
    frame.columns = pd.Index([f.name for f in fields], dtype=object)
    return frame


# -- JSON → Arrow -------------------------------------------------------------------------------------
# Values from sparkwire's own JSON encoding (see _remote.py) and from Livy's SQL interpreter (the
# gateway mirrors it in gateway/worker/sql_json.py: dates as text, timestamps as UTC text, decimals as
# numbers, binary as signed byte lists, NaN as strings) become Python values pyarrow converts to the
# field's Arrow type.

Decoder = Callable[[Any], Any]
_FLOATS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
_DURATION = re.compile(r"(-?)P(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?)?")


def _float(value: Any) -> float:
    return _FLOATS[value] if isinstance(value, str) else float(value)


def _decimal(scale: int) -> Decoder:
    quantum = decimal.Decimal(1).scaleb(-scale)

    def convert(value: Any) -> decimal.Decimal:
        number = decimal.Decimal(value if isinstance(value, str) else repr(value))
        try:
            return number.quantize(quantum)
        except decimal.InvalidOperation:
            return number

    return convert


def _timestamp_text(value: Any) -> Any:
    if isinstance(value, (int, float)):  # epoch milliseconds, as some Livy versions send
        return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.timezone.utc)
    text = str(value).replace(" ", "T", 1)
    parsed = datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.timezone.utc)


def _duration_text(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return datetime.timedelta(microseconds=value)
    match = _DURATION.fullmatch(str(value).strip())
    if match is None:
        raise ValueError(f"not an ISO-8601 duration: {value!r}")
    sign, days, hours, minutes, seconds = match.groups()
    delta = datetime.timedelta(
        days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0), seconds=float(seconds or 0)
    )
    return -delta if sign else delta


def _binary_livy(value: Any) -> bytes:
    if isinstance(value, str):
        return base64.b64decode(value)
    return bytes(b & 0xFF for b in value)


def _map_key(key_type: Any) -> Decoder:
    # Livy's JSON objects have string keys: the key's JSON text unless the key was a string.
    if simple_type(key_type) == "string":
        return str
    return lambda key: json.loads(key) if isinstance(key, str) else key


def _decoder(data_type: Any, livy: bool) -> Decoder | None:
    """A function from one JSON value (never null) to what pyarrow takes for the type; ``None`` = as is."""
    kind = simple_type(data_type)
    if kind in ("float", "double"):
        return _float if livy else None
    if kind == "decimal":
        return _decimal(decimal_params(data_type)[1])
    if kind == "binary":
        return _binary_livy if livy else base64.b64decode
    if kind == "variant":
        return (lambda v: json.dumps(v)) if livy else None
    if kind in ("yearmonth_interval", "calendar_interval", "udt"):
        return str
    if livy:
        livy_simple: dict[str, Decoder] = {
            "date": datetime.date.fromisoformat,
            "timestamp": _timestamp_text,
            "timestamp_ntz": lambda v: datetime.datetime.fromisoformat(str(v).replace(" ", "T", 1)),
            "daytime_interval": _duration_text,
        }
        if kind in livy_simple:
            return livy_simple[kind]
    if kind == "array":
        element = _decoder(data_type.get("elementType"), livy)
        return None if element is None else (lambda v: [None if x is None else element(x) for x in v])
    if kind == "map":
        key = _decoder(data_type.get("keyType"), livy)
        item = _decoder(data_type.get("valueType"), livy)
        if livy:
            parse_key = _map_key(data_type.get("keyType"))
            return lambda v: [(_apply(key, parse_key(k)), _apply(item, x)) for k, x in v.items()]
        return lambda v: [(_apply(key, k), _apply(item, x)) for k, x in v]
    if kind == "struct":
        fields = data_type.get("fields", [])
        decoders = [_decoder(f.get("type"), livy) for f in fields]
        names = [f.get("name") for f in fields]

        def struct(value: Any) -> tuple[Any, ...]:
            items = [value.get(n) for n in names] if isinstance(value, dict) else value
            return tuple(_apply(d, x) for d, x in zip(decoders, items))

        return struct
    return None


def _apply(decode: Decoder | None, value: Any) -> Any:
    return value if value is None or decode is None else decode(value)


def _arrow_column(values: Sequence[Any], spark_field: SparkField, livy: bool) -> pa.Array:
    target = arrow_type(spark_field.type)
    decode = _decoder(spark_field.type, livy)
    if decode is not None:
        values = [None if v is None else decode(v) for v in values]
    kind = simple_type(spark_field.type)
    if not livy and kind in ("date", "timestamp", "timestamp_ntz", "daytime_interval"):
        # Numbers since the epoch: build them as integers, then reinterpret.
        storage = pa.int32() if kind == "date" else pa.int64()
        return pa.array(values, type=storage).cast(target)
    return pa.array(values, type=target)


def frame_from_columns(
    columns: Sequence[Sequence[Any]], fields: Sequence[SparkField], zone: str, *, livy: bool = False
) -> pd.DataFrame:
    """Turn column-major JSON values into pandas through Arrow (so dtypes match the Arrow path).

    :param columns: one list of values per field.
    :param fields: the Spark schema.
    :param zone: the session time zone, for timestamps.
    :param livy: the values are in Livy's SQL interpreter's form, not sparkwire's.
    :return: the DataFrame.
    :raises ValueError: if the data does not match the schema.
    """
    if len(columns) != len(fields):
        raise ValueError(f"the result has {len(columns)} columns but its schema {len(fields)}")
    arrays = [_arrow_column(values, f, livy) for values, f in zip(columns, fields)]
    rows = len(arrays[0]) if arrays else 0
    table = pa.Table.from_arrays(arrays, names=[f"_c{i}" for i in range(len(arrays))]) if arrays else None
    if table is None:
        return pd.DataFrame(index=pd.RangeIndex(rows))
    return frame_from_arrow(table, fields, zone)


def frame_from_livy_rows(
    rows: Sequence[Sequence[Any]], fields: Sequence[SparkField], zone: str
) -> pd.DataFrame:
    """Turn the rows of Livy's SQL interpreter output (``{"schema", "data"}``) into pandas.

    :param rows: the ``data`` rows.
    :param fields: the parsed ``schema``.
    :param zone: the session time zone (Livy sends timestamps in UTC).
    :return: the DataFrame.
    """
    columns = [[row[i] if i < len(row) else None for row in rows] for i in range(len(fields))]
    return frame_from_columns(columns, fields, zone, livy=True)
