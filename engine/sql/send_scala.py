"""``%%send_to_spark`` into a Scala session: a pandas DataFrame becomes a Spark DataFrame, a str a String.

The Python helper cannot run in a Scala session, so the value travels in Scala statements. Nothing
the user wrote is pasted into Scala source as text: the data and the schema travel as base64 string
literals (only ``A-Z a-z 0-9 + / =``, so no quote or escape can end them), and the variable name, a
checked identifier, is back-quoted. DataFrame rows are JSON lines read with an explicit schema (the
same types as for a Python session, :func:`~.send.spark_type_for`), so nothing is inferred remotely.

Scala string constants are limited to 64 KiB, so the base64 text is appended to a buffer in literals
of :data:`LITERAL_CHARS`; payloads above :data:`STATEMENT_CHARS` (or the transfer's smaller
``chunk_bytes``) take several statements, the text gathered in a buffer variable that is emptied after.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import time
import uuid
from typing import Any, Final

import pandas as pd

from sparkwire.engine.execution import ProgressCallback, execute
from sparkwire.engine.rendering import render_error
from sparkwire.livy import LivyClient, SessionKind

from .errors import QueryFailed
from .schema import parse_schema, simple_type
from .send import SendResult, _table
from .transfer import SqlTransfer

__all__ = ["LITERAL_CHARS", "STATEMENT_CHARS", "scala_send_code", "send_to_scala"]

LITERAL_CHARS: Final = 48_000
"""Base64 characters per Scala string literal (a class file constant holds at most 65,535 bytes)."""

STATEMENT_CHARS: Final = 20 * LITERAL_CHARS
"""Base64 characters per statement at most: the Scala compiler reads every literal, so a statement of
several megabytes would take it far longer than a few of one."""

# Types Spark's JSON reader cannot read back from the values below: sent as their text instead.
_AS_TEXT: Final = frozenset({"daytime_interval", "yearmonth_interval"})


def _json_value(value: Any) -> Any:
    """A value as Spark's JSON reader reads it for the column's type."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _text_types(spark_type: Any) -> Any:
    """The schema with the types the JSON reader cannot parse replaced by string."""
    kind = simple_type(spark_type)
    if kind in _AS_TEXT:
        return "string"
    if kind == "array":
        return {**spark_type, "elementType": _text_types(spark_type["elementType"])}
    if kind == "map":
        return {
            **spark_type,
            "keyType": _text_types(spark_type["keyType"]),
            "valueType": _text_types(spark_type["valueType"]),
        }
    if kind == "struct":
        return {**spark_type, "fields": [{**f, "type": _text_types(f["type"])} for f in spark_type["fields"]]}
    return spark_type


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii")


def _appends(buffer: str, data: str) -> str:
    # Each a Unit block (a REPL prints a top-level expression's value, here the whole buffer), ended by
    # ";": Scala reads a "{" on the next line as an argument of the line before.
    return "".join(
        f'{{ {buffer}.append("{data[i : i + LITERAL_CHARS]}"); () }};\n'
        for i in range(0, len(data), LITERAL_CHARS)
    )


def scala_send_code(name: str, payload: str, *, schema: dict[str, Any] | None, chunk_chars: int) -> list[str]:
    """The Scala statements that bind ``name`` to the payload.

    :param name: the variable (an identifier; back-quoted).
    :param payload: base64 of the UTF-8 text: JSON lines of rows (``schema`` given) or the string.
    :param schema: the Spark schema JSON of a DataFrame, or ``None`` for a String.
    :param chunk_chars: base64 characters per statement.
    :return: the statements, in order.
    """
    decode = "new String(java.util.Base64.getDecoder.decode({}), java.nio.charset.StandardCharsets.UTF_8)"
    pieces = [payload[i : i + chunk_chars] for i in range(0, len(payload), chunk_chars)] or [""]
    buffer = "sparkwire_upload_" + uuid.uuid4().hex  # lives only between the statements of a large send
    statements = []
    if len(pieces) > 1:
        statements.append(f"var {buffer} = new java.lang.StringBuilder();\n" + _appends(buffer, pieces[0]))
        statements += [_appends(buffer, piece) for piece in pieces[1:-1]]
        last = _appends(buffer, pieces[-1])
        text = f"{{ val t = {buffer}.toString; {buffer} = null; t }}"
    else:
        last = ""
        text = "{ val b = new java.lang.StringBuilder();\n" + _appends("b", pieces[0]) + "b.toString }"
    if schema is None:
        last += f"val `{name}`: String = {decode.format(text)}\n"
    else:
        last += (
            f"val `{name}` = {{\n"
            "  val schema = org.apache.spark.sql.types.DataType.fromJson("
            f"{decode.format(_b64_literal(json.dumps(schema)))})\n"
            "    .asInstanceOf[org.apache.spark.sql.types.StructType]\n"
            f'  val lines = {decode.format(text)}.split("\\n").filter(_.nonEmpty).toSeq\n'
            "  spark.read.schema(schema).json(spark.createDataset(lines)(org.apache.spark.sql.Encoders.STRING))\n"
            "}\n"
        )
    statements.append(last)
    return statements


def _b64_literal(text: str) -> str:
    return f'"{_b64(text)}"'


def send_to_scala(
    transfer: SqlTransfer,
    client: LivyClient,
    session_id: int,
    value: pd.DataFrame | str,
    name: str,
    *,
    max_rows: int = -1,
    on_progress: ProgressCallback | None = None,
) -> SendResult:
    """Send a pandas DataFrame (as a Spark DataFrame) or a string to a Scala session as ``name``.

    :param transfer: its ``chunk_bytes`` and ``timeout`` apply.
    :param client: the session's endpoint client.
    :param session_id: the session (kind spark).
    :param value: the DataFrame or string.
    :param name: the remote variable (an identifier).
    :param max_rows: send at most this many rows of a DataFrame; -1 for all.
    :param on_progress: statement progress callback.
    :return: what was sent (``encoding`` is ``json`` for DataFrames).
    :raises ValueError: for a name that is not an identifier.
    :raises QueryFailed: if a statement failed remotely.
    """
    if not name.isidentifier():
        raise ValueError(f"the remote variable name must be an identifier, not {name!r}")
    started = time.perf_counter()
    notes: list[str] = []
    schema: dict[str, Any] | None = None
    rows: int | None = None
    if isinstance(value, str):
        text = value
    else:
        frame = value if max_rows < 0 else value.iloc[:max_rows]
        table, types, notes = _table(frame, True)
        names = [str(c) for c in frame.columns]
        types = [_text_types(t) for t in types]
        schema = {
            "type": "struct",
            "fields": [
                {"name": n, "type": t, "nullable": True, "metadata": {}} for n, t in zip(names, types)
            ],
        }
        columns = [column.to_pylist(maps_as_pydicts="lossy") for column in table.columns]
        text = "\n".join(
            json.dumps(
                {n: _json_value(c[i]) for n, c in zip(names, columns)}, allow_nan=False, separators=(",", ":")
            )
            for i in range(len(frame))
        )
        rows = len(frame)
    payload = _b64(text)
    chunk_chars = max(LITERAL_CHARS, min(transfer.chunk_bytes, STATEMENT_CHARS))
    statements = scala_send_code(name, payload, schema=schema, chunk_chars=chunk_chars)
    for code in statements:
        output = execute(
            client,
            session_id,
            code,
            kind=SessionKind.SPARK,
            on_progress=on_progress,
            timeout=transfer.timeout,
        )
        if not output.ok:
            raise QueryFailed(render_error(output.ename, output.evalue, output.traceback))
    return SendResult(
        name=name,
        kind="str" if schema is None else "df",
        rows=rows,
        fields=parse_schema(schema) if schema is not None else (),
        encoding="text" if schema is None else "json",
        payload_bytes=len(payload),
        statements=len(statements),
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )
