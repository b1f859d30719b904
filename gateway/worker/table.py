"""Turn a list of rows into Livy's table MIME value (``application/vnd.livy.table.v1+json``).

The value is ``{"headers": [{"name": str, "type": "INT_TYPE"|...}], "data": [[...], ...]}``, with the
type names of Livy's ``fake_shell.py``. As there, a single value counts as a one-row list, a row that is
neither a list, tuple nor dict counts as a one-column row, PySpark ``Row`` objects count as dicts, dict
columns are sorted by key, and a column whose values have different types (nulls aside) is an error.

Where Livy is lax or broken we differ: rows of different shapes (lengths, key sets, lists beside dicts)
are rejected rather than misaligned; dict *values* become ``MAP_TYPE`` (Livy's loop over them fails);
arrays may hold nulls among values of one type; and numbers of other classes (NumPy's, say) are typed by
what they are rather than shown as strings.
"""

from __future__ import annotations

import datetime
import decimal
import json
import numbers
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

__all__ = ["TABLE_MIME", "TableError", "convert", "to_table"]

TABLE_MIME = "application/vnd.livy.table.v1+json"

_NULL = "NULL_TYPE"


class TableError(ValueError):
    """The value cannot be shown as a table; Livy reports these with ename ``Exception``."""


def to_table(value: object) -> dict[str, Any]:
    """Build the table MIME value from a list of rows.

    :param value: a list or tuple of rows (lists, tuples, dicts, PySpark Rows or scalars), or one row.
    :raises TableError: when rows differ in shape or a column's values differ in type.
    """
    rows = value if isinstance(value, (list, tuple)) else [value]
    columns: dict[Hashable, dict[str, str]] = {}
    data: list[list[Any]] = []
    shape: tuple[Hashable, ...] | None = None
    for row in rows:
        cells = _cells(row)
        keys = tuple(key for key, _ in cells)
        if shape is None:
            shape = keys
        elif keys != shape:
            raise TableError("table rows have different columns")
        converted: list[Any] = []
        for key, cell in cells:
            cell_type, cell_value = convert(cell)
            header = columns.setdefault(key, {"name": str(key), "type": cell_type})
            if cell_type != _NULL and header["type"] != cell_type:
                if header["type"] != _NULL:
                    raise TableError("table rows have different types")
                header["type"] = cell_type
            converted.append(cell_value)
        data.append(converted)
    return {"headers": [columns[key] for key in shape or ()], "data": data}


def convert(value: object) -> tuple[str, Any]:
    """One value's Livy type name and its JSON-safe form.

    :param value: any Python value; unknown kinds become ``STRING_TYPE`` via ``str``.
    :raises TableError: when an array's or map's items differ in type.
    """
    if value is None:
        return _NULL, None
    if _is_spark_row(value):
        return _convert_map(value.asDict())  # type: ignore[attr-defined]
    for klass in type(value).__mro__:
        converter = _CONVERTERS.get(klass)
        if converter is not None:
            return converter(value)
    # NumPy scalars and the like register with the numeric ABCs without subclassing int or float.
    if isinstance(value, numbers.Integral):
        return "INT_TYPE", int(value)
    if isinstance(value, numbers.Real):
        return "DOUBLE_TYPE", float(value)
    return "STRING_TYPE", str(value)


def _cells(row: object) -> list[tuple[Hashable, object]]:
    """A row's (column key, value) pairs: list positions, or dict keys in sorted order."""
    if _is_spark_row(row):
        row = row.asDict()  # type: ignore[attr-defined]
    if isinstance(row, Mapping):
        try:
            return sorted(row.items())
        except TypeError as exc:  # keys that do not order against each other, e.g. 1 and "a"
            raise TableError("table columns have names of different types") from exc
    if isinstance(row, (list, tuple)):
        return list(enumerate(row))
    return [(0, row)]


def _is_spark_row(value: object) -> bool:
    # Livy matches on the class name, which also spares importing PySpark here.
    return type(value).__name__ == "Row" and hasattr(value, "asDict")


def _same_type(types: list[str]) -> None:
    """Reject items of different types; nulls go with anything."""
    if len({item_type for item_type in types if item_type != _NULL}) > 1:
        raise TableError("value has inconsistent types")


def _convert_seq(items: Sequence[object]) -> tuple[str, Any]:
    converted = [convert(item) for item in items]
    _same_type([item_type for item_type, _ in converted])
    return "ARRAY_TYPE", [item for _, item in converted]


def _convert_map(mapping: Mapping[Any, object]) -> tuple[str, Any]:
    keys = [convert(key) for key in mapping]
    values = [convert(value) for value in mapping.values()]
    _same_type([key_type for key_type, _ in keys])
    _same_type([value_type for value_type, _ in values])
    return "MAP_TYPE", {_json_key(key): value for (_, key), (_, value) in zip(keys, values)}


def _json_key(key: object) -> str:
    """A JSON object key for a converted map key, spelled as ``json.dumps`` would coerce it."""
    return key if isinstance(key, str) else json.dumps(key)


_CONVERTERS: dict[type, Callable[[Any], tuple[str, Any]]] = {
    bool: lambda x: ("BOOLEAN_TYPE", bool(x)),
    int: lambda x: ("INT_TYPE", int(x)),
    float: lambda x: ("DOUBLE_TYPE", float(x)),
    str: lambda x: ("STRING_TYPE", str(x)),
    # datetime before date: a datetime is a date too, and the MRO walk meets datetime first.
    datetime.datetime: lambda x: ("TIMESTAMP_TYPE", str(x)),
    datetime.date: lambda x: ("DATE_TYPE", str(x)),
    decimal.Decimal: lambda x: ("DECIMAL_TYPE", str(x)),
    tuple: _convert_seq,
    list: _convert_seq,
    dict: _convert_map,
}
