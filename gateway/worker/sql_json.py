"""Spark SQL values as the JSON Livy's SQL interpreter sends, driven by the column's Spark type.

Livy takes rows on the JVM and renders them with json4s ``DefaultFormats``; we take them through
PySpark and match that where it is well defined:

- dates: ``"YYYY-MM-DD"`` (LIVY-683);
- timestamps: the instant in UTC as ``"YYYY-MM-DDTHH:MM:SSZ"`` (json4s' default date format, which
  drops fractions of a second);
- decimals: JSON numbers, as doubles (json4s renders BigDecimal as a double by default);
- NaN and infinities: the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``, as Jackson writes them;
- binary: a list of the bytes as *signed* integers (-128..127), which is how json4s renders a Java
  ``byte[]``.

Where json4s gives nothing useful (it reflects over the Scala objects) we choose:

- structs: an object of field name to value;
- maps: an object whose keys are the keys' JSON text (strings stay as they are);
- ``timestamp_ntz``: ``"YYYY-MM-DDTHH:MM:SS"``, wall-clock time with no zone;
- day-time intervals: ISO-8601 durations as Java's ``Duration.toString`` writes them (``"PT1H30M"``);
- variants: the JSON value they hold;
- anything else (user-defined types, say): JSON scalars as they are, other objects as ``str``.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable
from typing import Any

from pyspark.sql import types as T

__all__ = ["converter_for"]

Converter = Callable[[Any], Any]


def converter_for(data_type: T.DataType) -> Converter:
    """A function turning a collected value of ``data_type`` into its JSON-safe form (``None`` stays ``None``).

    :param data_type: the column's Spark type; nested types get nested converters.
    """
    convert = _build(data_type)
    return lambda value: None if value is None else convert(value)


def _build(data_type: T.DataType) -> Converter:
    if isinstance(data_type, T.StructType):
        return _struct(data_type)
    if isinstance(data_type, T.ArrayType):
        element = converter_for(data_type.elementType)
        return lambda value: [element(item) for item in value]
    if isinstance(data_type, T.MapType):
        key_of = converter_for(data_type.keyType)
        value_of = converter_for(data_type.valueType)
        return lambda value: {_json_key(key_of(key)): value_of(item) for key, item in value.items()}
    simple = _SIMPLE.get(type(data_type))
    return simple if simple is not None else _fallback


def _struct(data_type: T.StructType) -> Converter:
    fields = [(field.name, converter_for(field.dataType)) for field in data_type.fields]
    # Positional, since a struct may repeat a field name; a Row is a tuple.
    return lambda row: {name: convert(item) for (name, convert), item in zip(fields, row)}


def _json_key(key: Any) -> str:
    return key if isinstance(key, str) else json.dumps(key)


def _double(value: float) -> float | str:
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _timestamp(value: datetime.datetime) -> str:
    try:
        # PySpark hands back naive local time; astimezone() reads naive values as local time.
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):  # outside the platform's time_t range: leave as is
        value = value.replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


def _signed_bytes(value: bytes | bytearray) -> list[int]:
    return [byte - 256 if byte > 127 else byte for byte in bytes(value)]


def _duration(value: datetime.timedelta) -> str:
    """ISO-8601 as Java's ``Duration.toString``: hours, minutes and seconds, each part carrying the sign."""
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if micros == 0:
        return "PT0S"
    sign = "-" if micros < 0 else ""
    hours, rest = divmod(abs(micros), 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, fraction = divmod(rest, 1_000_000)
    text = "PT"
    if hours:
        text += f"{sign}{hours}H"
    if minutes:
        text += f"{sign}{minutes}M"
    if seconds or fraction:
        text += f"{sign}{seconds}" + (f".{fraction:06d}".rstrip("0") if fraction else "") + "S"
    return text


def _variant(value: Any) -> Any:
    try:
        return json.loads(value.toJson())
    except Exception:  # noqa: BLE001 - an unreadable variant is still worth showing as text
        return str(value)


def _fallback(value: Any) -> Any:
    if isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return _double(value)
    return str(value)


_SIMPLE: dict[type[T.DataType], Converter] = {
    T.DecimalType: float,
    T.DoubleType: _double,
    T.FloatType: _double,
    T.DateType: lambda value: value.isoformat(),
    T.TimestampType: _timestamp,
    T.TimestampNTZType: lambda value: value.replace(tzinfo=None).isoformat(timespec="seconds"),
    T.BinaryType: _signed_bytes,
    T.DayTimeIntervalType: _duration,
}
# VariantType exists from Spark 4.0 on; PySpark 3.5 has no variant columns to convert.
_VARIANT = getattr(T, "VariantType", None)
if _VARIANT is not None:
    _SIMPLE[_VARIANT] = _variant
