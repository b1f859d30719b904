"""Spark values ⇄ sparkwire's column JSON, and Spark type JSON helpers; runs in the remote session.

Part of the remote helper: :mod:`.query` sends this file's source after ``_remote.py``'s, into the same
remote module (so the two share one namespace there; locally ``_remote`` imports these names). Same
constraints: Python 3.8+, no third-party imports.

The column JSON is ``{"columns": [[v, ...], ...]}``: dates are days since 1970-01-01, timestamps
microseconds since the epoch (timestamp_ntz: of wall-clock time), day-time intervals microseconds,
decimals strings, binary base64, maps ``[[key, value], ...]``, structs their field values in order,
NaN and infinities as Python's json writes them; nulls are null at every level.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
from typing import Any

EPOCH_DAYS = 719163  # date(1970, 1, 1).toordinal()
UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
NAIVE_EPOCH = datetime.datetime(1970, 1, 1)


def type_kind(t: Any) -> str:
    """The kind of a Spark type JSON: its name, ``"string_cast"`` for intervals with no Python or Arrow
    form (calendar, year-month), ``"daytime"`` for day-time intervals; parameters dropped."""
    if isinstance(t, dict):
        return str(t.get("type"))
    text = str(t).lower()
    if text == "interval" or text.startswith("interval") and ("year" in text or "month" in text):
        return "string_cast"  # calendar and year-month intervals: no Python or Arrow form
    if text.startswith("interval"):
        return "daytime"
    if text.startswith("decimal"):
        return "decimal"
    if text.startswith(("string", "char", "varchar")):
        return "string"
    return text


def children(t: Any) -> list[Any]:
    """The element, key/value or field types of a complex type JSON (none for others)."""
    if not isinstance(t, dict):
        return []
    if t.get("type") == "array":
        return [t["elementType"]]
    if t.get("type") == "map":
        return [t["keyType"], t["valueType"]]
    if t.get("type") == "struct":
        return [f["type"] for f in t["fields"]]
    return []


def nests(t: Any, kinds: tuple[str, ...]) -> bool:
    """Whether a type is, or contains, one of ``kinds`` (as :func:`type_kind` names them)."""
    return type_kind(t) in kinds or any(nests(child, kinds) for child in children(t))


def duplicate_struct_names(t: Any) -> bool:
    """Whether a struct in the type repeats a field name (Arrow conversion refuses those)."""
    if isinstance(t, dict) and t.get("type") == "struct":
        names = [f["name"] for f in t["fields"]]
        if len(set(names)) != len(names):
            return True
    return any(duplicate_struct_names(child) for child in children(t))


def micros(value: datetime.datetime) -> int:
    """Microseconds since the epoch of an instant (naive values are the process's local time)."""
    if value.tzinfo is None:  # PySpark hands back TimestampType values as naive local time
        value = value.astimezone(UTC)
    delta = value - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds


def wall_micros(value: datetime.datetime) -> int:
    """Microseconds since 1970-01-01T00:00 of a wall-clock time (timestamp_ntz)."""
    delta = value.replace(tzinfo=None) - NAIVE_EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds


def encoder(t: Any) -> Any:
    """A function from a collected value of type ``t`` (not None) to its column JSON; None: as it is."""
    kind = type_kind(t)
    if kind in ("byte", "short", "integer", "long", "boolean", "string", "float", "double", "void", "null"):
        return None
    simple = {
        "decimal": str,
        "date": lambda v: v.toordinal() - EPOCH_DAYS,
        "timestamp": micros,
        "timestamp_ntz": wall_micros,
        "binary": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
        "daytime": lambda v: (v.days * 86400 + v.seconds) * 1000000 + v.microseconds,
        "variant": lambda v: v.toJson(),
    }
    if kind in simple:
        return simple[kind]
    if kind == "array":
        return list_encoder(encoder(t["elementType"]))
    if kind == "map":
        key, item = encoder(t["keyType"]), encoder(t["valueType"])
        return lambda v: [[apply_codec(key, k), apply_codec(item, x)] for k, x in v.items()]
    if kind == "struct":
        fields = [encoder(f["type"]) for f in t["fields"]]
        return lambda v: [apply_codec(f, x) for f, x in zip(fields, v)]
    return str  # user-defined types and anything newer: their text


def apply_codec(encode: Any, value: Any) -> Any:
    """``encode(value)``, with None passing through and a None codec meaning identity."""
    return value if value is None or encode is None else encode(value)


def list_encoder(element: Any) -> Any:
    """The encoder of an array whose elements use ``element``."""
    if element is None:
        return list
    return lambda v: [None if x is None else element(x) for x in v]


def json_bytes(rows: list[Any], fields: list[Any]) -> bytes:
    """Collected rows as the column JSON, UTF-8 encoded. :param fields: the schema JSON's fields."""
    columns = []
    for index, field in enumerate(fields):
        encode = encoder(field["type"])
        if encode is None:
            columns.append([row[index] for row in rows])
        else:
            columns.append([None if row[index] is None else encode(row[index]) for row in rows])
    return json.dumps({"columns": columns}, separators=(",", ":")).encode("utf-8")


def decoder(t: Any) -> Any:
    """The inverse of :func:`encoder`: column JSON to what ``createDataFrame`` takes; None: as it is."""
    kind = type_kind(t)
    if kind == "decimal":
        return decimal.Decimal
    if kind == "date":
        return lambda v: datetime.date.fromordinal(v + EPOCH_DAYS)
    if kind == "timestamp":
        return lambda v: EPOCH + datetime.timedelta(microseconds=v)
    if kind == "timestamp_ntz":
        return lambda v: NAIVE_EPOCH + datetime.timedelta(microseconds=v)
    if kind == "binary":
        return lambda v: bytearray(base64.b64decode(v))
    if kind == "daytime":
        return lambda v: datetime.timedelta(microseconds=v)
    if kind == "array":
        element = decoder(t["elementType"])
        return lambda v: [apply_codec(element, x) for x in v]
    if kind == "map":
        key, item = decoder(t["keyType"]), decoder(t["valueType"])
        return lambda v: {apply_codec(key, k): apply_codec(item, x) for k, x in v}
    if kind == "struct":
        fields = [decoder(f["type"]) for f in t["fields"]]
        return lambda v: tuple(apply_codec(f, x) for f, x in zip(fields, v))
    return None
