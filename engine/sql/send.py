"""``%%send_to_spark``: put a local pandas DataFrame or string into the remote session under a name.

The value is encoded locally, sent as base64 in statements of at most ``chunk_bytes`` each (embedded
as JSON literals, so any content is safe: quotes, triple quotes, backslashes, newlines, NUL, any
Unicode), and rebuilt remotely by the helper in :mod:`._remote`, which binds the name itself (the name
never appears in code either).

DataFrames travel as Arrow IPC when the session has pyarrow, else as sparkwire's column JSON; either
way with an explicit Spark schema chosen here from the pandas dtypes, so types are kept:

========================================  =======================================================
pandas                                    Spark
========================================  =======================================================
``int8/16/32/64``, ``Int8`` … ``Int64``   tinyint, smallint, int, bigint (unsigned: next wider)
``float32``, ``float64``                  float, double (NaN is sent as null, pandas' missing)
``bool``, ``boolean``                     boolean
``object`` of str, ``string``             string (mixed-type object columns are sent as text)
``object`` of Decimal / bytes / date      decimal(p,s) / binary / date
``datetime64[..., tz]``                   timestamp
``datetime64[...]`` (naive)               timestamp_ntz (timestamp before Spark 3.4)
``timedelta64``                           interval day to second
lists, dicts                              array, struct (maps when the frame says so: below)
``category``                              the categories' type
========================================  =======================================================

A frame fetched by sparkwire carries its Spark schema in ``attrs["spark_schema"]``; columns still named
and typed as fetched are sent back with their original Spark type (a date stays a date, a map a map).
"""

from __future__ import annotations

import base64
import datetime
import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from sparkwire.engine.execution import ProgressCallback
from sparkwire.livy import LivyClient

from .schema import SparkField, arrow_type, parse_schema, simple_type
from .transfer import SCHEMA_ATTR, RemoteCapabilities, SqlTransfer

__all__ = ["SendResult", "send_to_spark", "spark_type_for"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_NAIVE_EPOCH = datetime.datetime(1970, 1, 1)


@dataclass(frozen=True)
class SendResult:
    """What was sent.

    :param name: the remote variable.
    :param kind: ``df`` (a Spark DataFrame) or ``str``.
    :param rows: rows sent (DataFrames).
    :param fields: the remote DataFrame's schema (DataFrames).
    :param encoding: ``arrow``, ``json`` or ``text``.
    :param payload_bytes: encoded bytes sent.
    :param statements: statements run (probe excluded).
    :param seconds: wall time.
    :param notes: what was changed on the way (e.g. a mixed-type column sent as text).
    """

    name: str
    kind: str
    rows: int | None = None
    fields: tuple[SparkField, ...] = ()
    encoding: str = "text"
    payload_bytes: int = 0
    statements: int = 1
    seconds: float = 0.0
    notes: tuple[str, ...] = ()


def spark_type_for(data_type: pa.DataType, *, ntz: bool = True) -> Any:
    """The Spark type (JSON) a pandas column's Arrow type is sent as.

    :param data_type: the Arrow type pyarrow inferred for the column.
    :param ntz: the session's Spark has ``timestamp_ntz`` (3.4+) for naive datetimes.
    :return: the Spark type JSON.
    """
    t = pa.types
    ints = {8: "byte", 16: "short", 32: "integer", 64: "long"}
    if t.is_signed_integer(data_type):
        return ints[data_type.bit_width]
    if t.is_unsigned_integer(data_type):
        return {8: "short", 16: "integer", 32: "long"}.get(data_type.bit_width, "decimal(20,0)")
    if t.is_floating(data_type):
        return "double" if data_type.bit_width == 64 else "float"
    if t.is_boolean(data_type):
        return "boolean"
    if t.is_string(data_type) or t.is_large_string(data_type):
        return "string"
    if t.is_binary(data_type) or t.is_large_binary(data_type) or t.is_fixed_size_binary(data_type):
        return "binary"
    if t.is_date(data_type):
        return "date"
    if t.is_timestamp(data_type):
        return "timestamp" if data_type.tz is not None or not ntz else "timestamp_ntz"
    if t.is_duration(data_type):
        return "interval day to second"
    if t.is_decimal(data_type) and data_type.precision <= 38:
        return f"decimal({data_type.precision},{data_type.scale})"
    if t.is_list(data_type) or t.is_large_list(data_type):
        return {
            "type": "array",
            "elementType": spark_type_for(data_type.value_type, ntz=ntz),
            "containsNull": True,
        }
    if t.is_map(data_type):
        return {
            "type": "map",
            "keyType": spark_type_for(data_type.key_type, ntz=ntz),
            "valueType": spark_type_for(data_type.item_type, ntz=ntz),
            "valueContainsNull": True,
        }
    if t.is_struct(data_type):
        return {
            "type": "struct",
            "fields": [
                {"name": f.name, "type": spark_type_for(f.type, ntz=ntz), "nullable": True, "metadata": {}}
                for f in data_type
            ],
        }
    if t.is_dictionary(data_type):
        return spark_type_for(data_type.value_type, ntz=ntz)
    return "string"  # null (all-None columns), times of day, anything else: as text


def _recorded_types(frame: pd.DataFrame) -> list[Any]:
    """Per column, the Spark type the frame was fetched with, if it still has that column there."""
    recorded = frame.attrs.get(SCHEMA_ATTR)
    try:
        fields = parse_schema(recorded)
    except TypeError:
        return [None] * frame.shape[1]
    if len(fields) != frame.shape[1]:
        return [None] * frame.shape[1]
    return [f.type if f.name == str(c) else None for f, c in zip(fields, frame.columns)]


def _column(series: pd.Series, recorded: Any, ntz: bool, notes: list[str]) -> tuple[pa.Array, Any]:
    if recorded is not None:
        target = arrow_type(recorded)
        for direct in (True, False):
            try:
                if direct:
                    return pa.array(series, type=target, from_pandas=True), recorded
                return pa.array(series, from_pandas=True).cast(target, safe=False), recorded
            except (pa.ArrowException, TypeError, ValueError):
                continue
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        notes.append(f"Column {series.name!r} mixes types; it was sent as text.")
        array = pa.array([None if _missing(v) else str(v) for v in series], type=pa.string())
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    spark_type = spark_type_for(array.type, ntz=ntz)
    return array.cast(arrow_type(spark_type), safe=False), spark_type


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def _table(frame: pd.DataFrame, ntz: bool) -> tuple[pa.Table, list[Any], list[str]]:
    notes: list[str] = []
    recorded = _recorded_types(frame)
    arrays, types = [], []
    for index in range(frame.shape[1]):
        array, spark_type = _column(frame.iloc[:, index], recorded[index], ntz, notes)
        arrays.append(array)
        types.append(spark_type)
    names = [f"_c{i}" for i in range(len(arrays))]
    table = pa.Table.from_arrays(arrays, names=names) if arrays else pa.table({})
    return table, types, notes


# -- JSON encoding (no pyarrow remotely): the inverse of _remote._decoder ------------------------------

Encoder = Callable[[Any], Any]


def _micros(value: datetime.datetime) -> int:
    delta = value - _EPOCH if value.tzinfo is not None else value - _NAIVE_EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _encoder(spark_type: Any) -> Encoder | None:
    kind = simple_type(spark_type)
    simple: dict[str, Encoder] = {
        "decimal": str,
        "date": lambda v: v.toordinal() - 719163,
        "timestamp": _micros,
        "timestamp_ntz": _micros,
        "binary": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
        "daytime_interval": lambda v: (v.days * 86400 + v.seconds) * 1_000_000 + v.microseconds,
    }
    if kind in simple:
        return simple[kind]
    if kind == "array":
        element = _encoder(spark_type["elementType"])
        return None if element is None else (lambda v: [None if x is None else element(x) for x in v])
    if kind == "map":
        key, item = _encoder(spark_type["keyType"]), _encoder(spark_type["valueType"])
        return lambda v: [
            [_apply(key, k), _apply(item, x)] for k, x in (v.items() if isinstance(v, dict) else v)
        ]
    if kind == "struct":
        names = [f["name"] for f in spark_type["fields"]]
        encoders = [_encoder(f["type"]) for f in spark_type["fields"]]
        return lambda v: [_apply(e, v.get(n)) for e, n in zip(encoders, names)]
    return None


def _apply(encode: Encoder | None, value: Any) -> Any:
    return value if value is None or encode is None else encode(value)


def _json_payload(table: pa.Table, types: Sequence[Any]) -> bytes:
    columns = []
    for column, spark_type in zip(table.columns, types):
        encode = _encoder(spark_type)
        values = column.to_pylist(maps_as_pydicts="lossy")
        columns.append(values if encode is None else [_apply(encode, v) for v in values])
    return json.dumps({"columns": columns}, separators=(",", ":")).encode("utf-8")


def _ipc_payload(table: pa.Table, codec: str | None) -> bytes:
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=codec) if codec else None
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()  # type: ignore[no-any-return]


def _has_ntz(capabilities: RemoteCapabilities) -> bool:
    try:
        major, minor = (int(p) for p in (capabilities.spark or "4.0").split(".")[:2])
    except ValueError:
        return True
    return (major, minor) >= (3, 4)


def send_to_spark(
    transfer: SqlTransfer,
    client: LivyClient,
    session_id: int,
    value: pd.DataFrame | str,
    name: str,
    *,
    max_rows: int = -1,
    on_progress: ProgressCallback | None = None,
) -> SendResult:
    """Send a pandas DataFrame (as a Spark DataFrame) or a string to the session as ``name``.

    :param transfer: supplies the session's capabilities (probed once), chunk size and encoding choice.
    :param client: the session's endpoint client.
    :param session_id: the session (pyspark or shared).
    :param value: the DataFrame or string.
    :param name: the remote variable name (a Python identifier).
    :param max_rows: send at most this many rows of a DataFrame (``-m``); -1 for all.
    :param on_progress: statement progress callback.
    :return: what was sent.
    :raises ValueError: for a name that is not an identifier.
    :raises TypeError: for a value that is neither a DataFrame nor a string.
    :raises QueryFailed: if the remote side could not build the value.
    """
    if not name.isidentifier():
        raise ValueError(f"the remote variable name must be a Python identifier, not {name!r}")
    started = time.perf_counter()
    notes: list[str] = []
    target: dict[str, Any] = {"name": name}
    rows: int | None = None
    if isinstance(value, str):
        payload, encoding = value.encode("utf-8", "surrogatepass"), "text"
        target["kind"] = "str"
    elif isinstance(value, pd.DataFrame):
        capabilities = transfer.capabilities(client, session_id, on_progress=on_progress)
        frame = value if max_rows < 0 else value.iloc[:max_rows]
        table, types, notes = _table(frame, _has_ntz(capabilities))
        schema = {
            "type": "struct",
            "fields": [
                {"name": n, "type": t, "nullable": True, "metadata": {}}
                for n, t in zip(table.column_names, types)
            ],
        }
        if transfer.encoding != "json" and capabilities.arrow:
            payload, encoding = _ipc_payload(table, transfer.codec(capabilities)), "arrow"
        else:
            payload, encoding = _json_payload(table, types), "json"
        target.update(kind=encoding, schema=schema, names=[str(c) for c in frame.columns])
        rows = len(frame)
    else:
        raise TypeError(f"send_to_spark sends a pandas DataFrame or a str, not a {type(value).__name__}")
    header = _upload(transfer, client, session_id, payload, target, on_progress)
    statements = max(1, -(-len(payload) // transfer.chunk_bytes))
    fields = parse_schema(header["schema"]) if "schema" in header else ()
    return SendResult(
        name=name,
        kind="str" if target["kind"] == "str" else "df",
        rows=rows,
        fields=fields,
        encoding=encoding,
        payload_bytes=len(payload),
        statements=statements,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )


def _upload(
    transfer: SqlTransfer,
    client: LivyClient,
    session_id: int,
    payload: bytes,
    target: Mapping[str, Any],
    on_progress: ProgressCallback | None,
) -> dict[str, Any]:
    token = uuid.uuid4().hex
    size = transfer.chunk_bytes
    offsets = list(range(0, len(payload), size)) or [0]
    header: dict[str, Any] = {}
    for number, offset in enumerate(offsets):
        final = number == len(offsets) - 1
        request: dict[str, Any] = {
            "op": "upload",
            "token": token,
            "first": number == 0,
            "final": final,
            "data": base64.b64encode(payload[offset : offset + size]).decode("ascii"),
        }
        if final:
            request["target"] = dict(target)
        header, _ = transfer.call(client, session_id, request, on_progress)
    return header
