"""Spark schemas as the remote side sends them (``DataFrame.schema.json()``), read on the client.

A Spark data type in that JSON is either a string (``"integer"``, ``"decimal(10,2)"``,
``"timestamp_ntz"``, ``"interval day to second"``, ``"string collate UTF8_LCASE"``...) or an object for
complex types (``{"type": "array", "elementType": ..., "containsNull": ...}``, ``"map"``, ``"struct"``,
``"udt"``). Everything here is pure and needs no Spark: the client reads schemas from any Spark version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

__all__ = [
    "SparkField",
    "arrow_type",
    "contains_type",
    "decimal_params",
    "parse_schema",
    "simple_type",
    "type_name",
]

_DECIMAL = re.compile(r"decimal\((\d+),\s*(-?\d+)\)")
_INTEGERS = {"byte": pa.int8(), "short": pa.int16(), "integer": pa.int32(), "long": pa.int64()}
_SIMPLE_NAMES = {
    "byte": "tinyint",
    "short": "smallint",
    "integer": "int",
    "long": "bigint",
    "null": "void",
}


@dataclass(frozen=True)
class SparkField:
    """One column of a Spark schema.

    :param name: the column name (names may repeat in one schema, e.g. after a join).
    :param type: the Spark type as JSON (a string or an object, as ``DataType.jsonValue()`` gives).
    :param nullable: whether the column may hold nulls.
    """

    name: str
    type: Any
    nullable: bool = True

    @property
    def type_name(self) -> str:
        """The type as Spark's ``simpleString`` spells it, e.g. ``"int"``, ``"array<string>"``."""
        return type_name(self.type)

    def to_json(self) -> dict[str, Any]:
        """:return: the field as Spark's schema JSON has it."""
        return {"name": self.name, "type": self.type, "nullable": self.nullable, "metadata": {}}


def parse_schema(schema: Any) -> tuple[SparkField, ...]:
    """Read a Spark schema's JSON (``{"type": "struct", "fields": [...]}``).

    :param schema: the parsed JSON.
    :return: the fields, in order.
    :raises TypeError: if it is not a struct schema.
    """
    if not isinstance(schema, Mapping) or not isinstance(schema.get("fields"), list):
        raise TypeError(f"not a Spark struct schema: {str(schema)[:200]}")
    return tuple(
        SparkField(str(f.get("name", "")), f.get("type"), bool(f.get("nullable", True)))
        for f in schema["fields"]
        if isinstance(f, Mapping)
    )


def simple_type(data_type: Any) -> str:
    """The kind of a type, without parameters: ``"decimal"`` for ``"decimal(10,2)"``, ``"array"`` for an
    array, ``"string"`` for ``"varchar(5)"`` or a collated string, ``"daytime_interval"`` for any day-time
    interval, ``"yearmonth_interval"``, ``"calendar_interval"``; other names as they are.

    :param data_type: the Spark type JSON.
    """
    if isinstance(data_type, Mapping):
        return str(data_type.get("type", "unknown"))
    text = str(data_type).strip().lower()
    if text.startswith("decimal"):
        return "decimal"
    if text.startswith(("char(", "varchar(", "string")):
        return "string"
    if text == "interval":
        return "calendar_interval"
    if text.startswith("interval"):
        return "yearmonth_interval" if ("year" in text or "month" in text) else "daytime_interval"
    if text == "void":
        return "null"
    return text


def decimal_params(data_type: Any) -> tuple[int, int]:
    """:param data_type: a ``"decimal(p,s)"`` type. :return: ``(precision, scale)``; Spark's default (10, 0)."""
    match = _DECIMAL.fullmatch(str(data_type).strip().lower().replace(" ", ""))
    return (int(match.group(1)), int(match.group(2))) if match else (10, 0)


def type_name(data_type: Any) -> str:
    """Spark's ``simpleString`` for a type JSON: ``int``, ``bigint``, ``decimal(10,2)``, ``array<int>``,
    ``map<string,int>``, ``struct<a:int,b:string>``...

    :param data_type: the Spark type JSON.
    """
    if isinstance(data_type, Mapping):
        kind = data_type.get("type")
        if kind == "array":
            return f"array<{type_name(data_type.get('elementType'))}>"
        if kind == "map":
            return f"map<{type_name(data_type.get('keyType'))},{type_name(data_type.get('valueType'))}>"
        if kind == "struct":
            inner = ",".join(
                f"{f.get('name')}:{type_name(f.get('type'))}" for f in data_type.get("fields", [])
            )
            return f"struct<{inner}>"
        if kind == "udt":
            return str(data_type.get("pyClass") or data_type.get("class") or "udt").rsplit(".", 1)[-1]
        return str(kind)
    text = str(data_type)
    return _SIMPLE_NAMES.get(text, text)


def contains_type(data_type: Any, kinds: frozenset[str]) -> bool:
    """Whether a type is, or nests, one of ``kinds`` (as :func:`simple_type` names them).

    :param data_type: the Spark type JSON.
    :param kinds: simple type names, e.g. ``frozenset({"timestamp"})``.
    """
    if simple_type(data_type) in kinds:
        return True
    if isinstance(data_type, Mapping):
        children: Sequence[Any] = ()
        kind = data_type.get("type")
        if kind == "array":
            children = (data_type.get("elementType"),)
        elif kind == "map":
            children = (data_type.get("keyType"), data_type.get("valueType"))
        elif kind == "struct":
            children = tuple(f.get("type") for f in data_type.get("fields", []))
        return any(contains_type(child, kinds) for child in children)
    return False


def arrow_type(data_type: Any) -> pa.DataType:
    """The Arrow type a Spark type travels as (what Spark's own Arrow conversion uses).

    Timestamps are UTC instants (``timestamp[us, UTC]``); types Arrow cannot carry (year-month and
    calendar intervals, variants, user-defined types) travel as their string form.

    :param data_type: the Spark type JSON.
    """
    kind = simple_type(data_type)
    if kind in _INTEGERS:
        return _INTEGERS[kind]
    if isinstance(data_type, Mapping):
        if kind == "array":
            return pa.list_(arrow_type(data_type.get("elementType")))
        if kind == "map":
            return pa.map_(arrow_type(data_type.get("keyType")), arrow_type(data_type.get("valueType")))
        if kind == "struct":
            return pa.struct(
                [
                    pa.field(str(f.get("name", "")), arrow_type(f.get("type")), bool(f.get("nullable", True)))
                    for f in data_type.get("fields", [])
                ]
            )
        return pa.string()
    simple: dict[str, pa.DataType] = {
        "float": pa.float32(),
        "double": pa.float64(),
        "boolean": pa.bool_(),
        "string": pa.string(),
        "binary": pa.binary(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "timestamp_ntz": pa.timestamp("us"),
        "daytime_interval": pa.duration("us"),
        "null": pa.null(),
    }
    if kind == "decimal":
        precision, scale = decimal_params(data_type)
        return pa.decimal128(precision, scale)
    return simple.get(kind, pa.string())
