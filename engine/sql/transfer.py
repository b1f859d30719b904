"""Query results from a Livy session into pandas: Arrow IPC or JSON, pulled in bounded chunks.

One :class:`SqlTransfer` per engine. :meth:`SqlTransfer.fetch` picks the path by session:

- **pyspark / shared sessions**: one statement runs the query remotely, encodes at most
  ``max_rows + 1`` rows (the extra row tells whether rows were cut) and answers with the first chunk;
  further chunks of at most ``chunk_bytes`` come one statement each, decoded straight into one buffer,
  so the client holds about the encoded result plus the DataFrame. Encoding: Arrow IPC (optionally
  zstd-compressed buffers) when the session has pyarrow, probed once per session and cached here; up
  to ``take_threshold`` rows are taken like ``DataFrame.take`` (one partition when that suffices) and
  sent as sparkwire's schema-carrying JSON; so are types Arrow cannot carry. ``encoding="json"``
  forces JSON.
- **Scala and R sessions on sparkwire's gateway** (``/version`` lists ``pyspark`` among its
  ``kinds``): the same, as ``pyspark``-kind statements, which run beside the Scala code on the same
  SparkSession; a Scala or R DataFrame variable is read through a temporary view (:mod:`.views`).
- **sql sessions, and Scala and R sessions elsewhere**: the query runs in Livy's SQL interpreter,
  whose ``application/json`` result (schema + rows) is decoded; the server caps its rows (Livy's
  ``livy.rsc.sql.num-rows``, the gateway's ``sql_max_rows``: 1000 by default), and a result that
  reaches the cap says so.

Totals: when rows were cut, the total is unknown unless ``SqlQuery.count_total`` asks to count it
(which runs the query again); when nothing was cut, it is the number of rows fetched.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

import pandas as pd
import pyarrow as pa

from sparkwire.engine.execution import ProgressCallback, execute
from sparkwire.engine.languages import sql_transfer_kind
from sparkwire.engine.rendering import render_error
from sparkwire.livy import LivyClient, LivyError, Output, SessionKind

from .arrow_results import fetch_result_file, is_loopback
from .decode import frame_from_arrow, frame_from_columns, frame_from_livy_rows
from .errors import NoDataFrame, QueryFailed, SqlError, TransferFailed
from .query import SqlQuery, parse_response, remote_call
from .schema import SparkField, contains_type, parse_schema
from .views import as_sql, variable_as_view

__all__ = [
    "DEFAULT_CHUNK_BYTES",
    "DEFAULT_TAKE_THRESHOLD",
    "SCHEMA_ATTR",
    "Compression",
    "Encoding",
    "QueryResult",
    "RemoteCapabilities",
    "SqlTransfer",
]

DEFAULT_CHUNK_BYTES: Final = 8 * 1024 * 1024
"""Encoded bytes per statement (about 11 MB of base64 text): well under Livy's and the gateway's
output limits, large enough that a million rows take a handful of round trips."""

DEFAULT_TAKE_THRESHOLD: Final = 20_000
"""Up to this many rows, results are taken like ``DataFrame.take`` (scanning one partition first)."""

SCHEMA_ATTR: Final = "spark_schema"
"""``DataFrame.attrs`` key holding the Spark schema JSON of a fetched result; ``%%send_to_spark`` uses
it to send the same types back (a ``datetime64[s]`` column that was a date becomes a date again)."""

Encoding = Literal["auto", "arrow", "json"]
Compression = Literal["auto", "zstd", "lz4", "none"]
_SQL_KIND_ROW_CAP: Final = 1000
"""Rows Livy's SQL interpreter returns at most by default (``livy.rsc.sql.num-rows``; the gateway's
``sql_max_rows``); a result of exactly this many rows was probably capped."""
_SQL_CAP_HOW_TO_RAISE: Final = (
    "The server returns at most {cap:,} rows per SQL statement: raise livy.rsc.sql.num-rows in "
    "livy-client.conf (sparkwire's gateway: the sql_max_rows setting, SPARKWIRE_GATEWAY_SQL_MAX_ROWS), or "
    "use a pyspark session, which has no such cap."
)


@dataclass(frozen=True)
class RemoteCapabilities:
    """What the remote session's Python offers, from one probe.

    :param python: its Python version.
    :param pyarrow: its pyarrow version, or ``None`` if it has none.
    :param pyspark: its PySpark version, if known.
    :param spark: its Spark version, if known.
    :param codecs: Arrow IPC compression codecs it has (``zstd``, ``lz4``).
    """

    python: str | None = None
    pyarrow: str | None = None
    pyspark: str | None = None
    spark: str | None = None
    codecs: tuple[str, ...] = ()

    @property
    def arrow(self) -> bool:
        """Whether results can come as Arrow IPC."""
        return self.pyarrow is not None


@dataclass(frozen=True)
class QueryResult:
    """A fetched result.

    :param frame: the rows, as pandas (dtypes: see :mod:`.decode`).
    :param fields: the Spark schema (names and types, as the query produced them).
    :param truncated: ``True`` when the query had more rows than were fetched.
    :param total_rows: the query's row count when known: always when not truncated, else only when
        counted (``SqlQuery.count_total``).
    :param max_rows: the limit asked for (-1: none).
    :param encoding: ``arrow``, ``json`` or ``livy-sql``.
    :param method: how rows were collected remotely (``collect``, ``arrow-take``, ``arrow-limit``,
        ``take``, ``sql``).
    :param time_zone: the session time zone timestamps are shown in.
    :param sampled: rows were sampled first (``-m sample``).
    :param payload_bytes: encoded bytes received.
    :param statements: statements run (probe excluded).
    :param seconds: wall time of the fetch.
    :param notes: caveats to show with the result (e.g. a server-side row cap).
    :param fetch_all_hint: how to get every row, added to the truncation notice; ``""`` where the
        front door has no such flag (a plain cell's DataFrame last expression).
    :param remote_timings: seconds spent remotely: ``plan`` (parse, analyse), ``collect_encode``.
    :param server_cap: the server's row cap when it, not ``max_rows``, cut the rows (Livy's SQL
        interpreter); the notice then says how to raise it.
    """

    frame: pd.DataFrame
    fields: tuple[SparkField, ...]
    truncated: bool = False
    total_rows: int | None = None
    max_rows: int = -1
    encoding: str = "arrow"
    method: str = ""
    time_zone: str | None = None
    sampled: bool = False
    payload_bytes: int = 0
    statements: int = 1
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())
    remote_timings: Mapping[str, float] = field(default_factory=dict)
    fetch_all_hint: str = "-n -1 fetches all"
    server_cap: int | None = None

    @property
    def rows(self) -> int:
        """Rows fetched."""
        return len(self.frame)

    @property
    def notice(self) -> str | None:
        """The truncation notice to show (``"Showing 10,000 of 52,113 rows."``), or ``None`` when complete."""
        parts: list[str] = []
        if self.truncated and self.server_cap is not None:
            parts.append(
                f"Showing the first {self.rows:,} rows; there may be more. "
                + _SQL_CAP_HOW_TO_RAISE.format(cap=self.server_cap)
            )
        elif self.truncated:
            total = f"{self.total_rows:,}" if self.total_rows is not None else f"more than {self.rows:,}"
            hint = self.fetch_all_hint if self.max_rows >= 0 else ""
            parts.append(
                f"Showing {self.rows:,} of {total} rows (limit {self.max_rows:,}"
                + (f"; {hint})." if hint else ").")
            )
        if self.sampled:
            parts.append("Rows are a random sample.")
        parts.extend(self.notes)
        return " ".join(parts) or None


class SqlTransfer:
    """Fetches query results and sends local data, remembering what each session supports.

    :param chunk_bytes: the most encoded bytes per statement.
    :param encoding: ``auto`` (Arrow when the session has pyarrow and it pays), ``arrow``, or ``json``
        (forces sparkwire's JSON encoding, e.g. to test the fallback).
    :param compression: Arrow IPC buffer compression: ``auto`` (zstd when both sides have it),
        ``zstd``, ``lz4`` or ``none``.
    :param take_threshold: see :data:`DEFAULT_TAKE_THRESHOLD`.
    :param timeout: seconds to wait for each statement (``None``: no limit).
    :param result_files: fetch Arrow results as files where the server offers it (sparkwire's gateway:
        :mod:`.arrow_results`); ``False`` sends them inline as on Apache Livy.
    """

    def __init__(
        self,
        *,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
        encoding: Encoding = "auto",
        compression: Compression = "auto",
        take_threshold: int = DEFAULT_TAKE_THRESHOLD,
        timeout: float | None = None,
        result_files: bool = True,
    ) -> None:
        if chunk_bytes < 1024:
            raise ValueError("chunk_bytes must be at least 1024")
        self.chunk_bytes = chunk_bytes
        self.encoding: Encoding = encoding
        self.compression: Compression = compression
        self.take_threshold = take_threshold
        self.timeout = timeout
        self.result_files = result_files
        self._capabilities: dict[tuple[str, int], RemoteCapabilities] = {}
        self._python_beside: dict[str, bool] = {}
        self._lock = threading.Lock()

    # Capabilities

    def capabilities(
        self, client: LivyClient, session_id: int, *, on_progress: ProgressCallback | None = None
    ) -> RemoteCapabilities:
        """What the session's Python offers; probed with one statement the first time, then cached.

        :param client: the session's endpoint client.
        :param session_id: the session.
        :param on_progress: statement progress callback.
        :return: the capabilities.
        :raises QueryFailed: if the probe statement failed.
        """
        key = (client.url, session_id)
        with self._lock:
            known = self._capabilities.get(key)
        if known is not None:
            return known
        header, _ = self.call(client, session_id, {"op": "probe"}, on_progress)
        found = RemoteCapabilities(
            python=header.get("python"),
            pyarrow=header.get("pyarrow"),
            pyspark=header.get("pyspark"),
            spark=header.get("spark"),
            codecs=tuple(header.get("codecs") or ()),
        )
        with self._lock:
            self._capabilities[key] = found
        return found

    def forget(self, client: LivyClient, session_id: int) -> None:
        """Drop what is known about a session (it was lost or deleted).

        :param client: the session's endpoint client.
        :param session_id: the session.
        """
        with self._lock:
            self._capabilities.pop((client.url, session_id), None)

    def python_beside(self, client: LivyClient) -> bool:
        """Whether a ``pyspark`` statement runs in a session of any kind, on the same SparkSession:
        the server is sparkwire's gateway (its ``/version`` lists ``pyspark`` among its ``kinds``; each
        session is one Python worker, with the Scala REPL in its JVM). Asked once per server.

        :param client: the endpoint client.
        :return: True on the gateway; False on Apache Livy (whose Python may be missing from a Scala
            session's cluster) and when ``/version`` cannot be read.
        """
        with self._lock:
            known = self._python_beside.get(client.url)
        if known is not None:
            return known
        if not client.extensions():  # Apache Livy lists none: no need to ask again
            found = False
        else:
            try:
                found = "pyspark" in client.version(timeout=10.0).kinds
            except LivyError:
                return False  # not known for now: asked again next time
        with self._lock:
            self._python_beside[client.url] = found
        return found

    # Fetching

    def fetch(
        self,
        client: LivyClient,
        session_id: int,
        query: SqlQuery,
        *,
        session_kind: SessionKind | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> QueryResult:
        """Run a query (or read a DataFrame variable) in a session and bring its rows into pandas.

        :param client: the session's endpoint client.
        :param session_id: the session (ready).
        :param query: what to fetch.
        :param session_kind: the session's kind: sql sessions use Livy's SQL interpreter, and so do
            spark (Scala) and sparkr sessions unless the server is sparkwire's gateway
            (:meth:`python_beside`); anything else (pyspark, shared, ``None``) runs Python statements.
        :param on_progress: called with each statement while it runs (progress bars).
        :return: the result.
        :raises QueryFailed: with Spark's error if the query (or variable lookup) failed.
        :raises NoDataFrame: for ``last_value`` when the value shown is not a DataFrame.
        :raises TransferFailed: if the remote answer could not be read.
        :raises SqlError: for a query a ``sql`` session cannot run (a variable, a last value).
        :raises ExecutionInterrupted: on Ctrl-C (the running statement is cancelled).
        :raises LivyError: or :class:`~sparkwire.engine.SessionLost` for endpoint and session failures.
        """
        started = time.perf_counter()
        if not sql_transfer_kind(session_kind):
            result = self._fetch_python(client, session_id, query, on_progress)
        elif session_kind is not SessionKind.SQL and self.python_beside(client):
            # The gateway runs Python beside Scala and R: every row asked for, as Arrow.
            with variable_as_view(self._run, client, session_id, query, session_kind, on_progress) as python:
                result = self._fetch_python(client, session_id, python, on_progress)
        else:  # no Python here: Livy's SQL interpreter, whose rows the server caps
            with as_sql(self._run, client, session_id, query, session_kind, on_progress) as sql_query:
                result = self._fetch_sql_kind(client, session_id, sql_query, on_progress)
        return replace(result, seconds=time.perf_counter() - started)

    def _fetch_python(
        self, client: LivyClient, session_id: int, query: SqlQuery, on_progress: ProgressCallback | None
    ) -> QueryResult:
        encoding: Encoding = self.encoding
        compression: str | None = None
        as_file = self.result_files and encoding != "json" and "arrow-results" in client.extensions()
        if encoding != "json":
            capabilities = self.capabilities(client, session_id, on_progress=on_progress)
            if not capabilities.arrow:
                encoding = "json"
            compression = self.codec(capabilities, binary_path=as_file and is_loopback(client.url))
        token = uuid.uuid4().hex
        request = query.fetch_request(
            token=token,
            encoding=encoding,
            compression=compression,
            chunk_bytes=self.chunk_bytes,
            take_threshold=self.take_threshold,
        )
        if as_file:
            request["result_file"] = True  # large Arrow results come as a file (arrow_results.py)
        header, data = self.call(client, session_id, request, on_progress)
        if not header.get("ok"):
            raise NoDataFrame("The cell's last value is not a Spark DataFrame.")
        if header.get("file"):
            payload: bytes | bytearray = fetch_result_file(client, session_id, header)
            statements = 1
        else:
            payload, statements = self._pull(client, session_id, header, data, on_progress)
        original = parse_schema(header["schema"])
        delivered = parse_schema(header["delivered"])
        fields = tuple(SparkField(o.name, d.type, d.nullable) for o, d in zip(original, delivered))
        zone = str(header.get("time_zone") or "UTC")
        if header["encoding"] == "arrow":
            table = pa.ipc.open_stream(pa.py_buffer(payload)).read_all()
            del payload
            frame = frame_from_arrow(table, fields, zone)
        else:
            frame = frame_from_columns(json.loads(bytes(payload))["columns"], fields, zone)
        frame.attrs[SCHEMA_ATTR] = header["schema"]
        return QueryResult(
            frame=frame,
            fields=original,
            truncated=bool(header["truncated"]),
            total_rows=header.get("total_rows"),
            max_rows=query.max_rows,
            encoding=header["encoding"],
            method=str(header.get("method", "")),
            time_zone=zone,
            sampled=query.sampled,
            payload_bytes=int(header["nbytes"]),
            statements=statements,
            remote_timings=dict(header.get("timings") or {}),
        )

    def _pull(
        self,
        client: LivyClient,
        session_id: int,
        header: Mapping[str, Any],
        data: str,
        on_progress: ProgressCallback | None,
    ) -> tuple[bytes | bytearray, int]:
        """The whole encoded result: the first chunk came with ``header``; fetch the rest into one buffer."""
        total = int(header["nbytes"])
        first = base64.b64decode(data)
        if len(first) >= total:
            return first, 1
        buffer = bytearray(total)
        buffer[: len(first)] = first
        offset, statements = len(first), 1
        del first
        while offset < total:
            request = {"op": "chunk", "token": header["token"], "offset": offset, "size": self.chunk_bytes}
            _, text = self.call(client, session_id, request, on_progress)
            piece = base64.b64decode(text)
            if not piece:
                raise TransferFailed(
                    f"The session sent no data at byte {offset:,} of {total:,}; run the query again."
                )
            buffer[offset : offset + len(piece)] = piece
            offset += len(piece)
            statements += 1
        return buffer, statements

    def _fetch_sql_kind(
        self, client: LivyClient, session_id: int, query: SqlQuery, on_progress: ProgressCallback | None
    ) -> QueryResult:
        if query.sql is None:
            raise SqlError(
                "This is a sql session: it runs SQL only. Fetching a DataFrame variable needs a "
                "pyspark session."
            )
        output = self._run(client, session_id, query.sql, SessionKind.SQL, on_progress)
        value = output.data.get("application/json")
        if not isinstance(value, Mapping) or "schema" not in value:
            raise TransferFailed(
                "The sql session's answer has no table (application/json with schema and "
                f"data); it sent {sorted(output.data)}."
            )
        fields = parse_schema(value["schema"])
        rows = list(value.get("data") or [])
        statements = 1
        zone = "UTC"
        if any(contains_type(f.type, frozenset({"timestamp"})) for f in fields):
            zone, statements = self._sql_time_zone(client, session_id, on_progress), 2
        truncated = 0 <= query.max_rows < len(rows)
        server_cap = None
        if truncated:
            rows = rows[: query.max_rows]
        elif len(rows) == _SQL_KIND_ROW_CAP and (query.max_rows < 0 or query.max_rows > _SQL_KIND_ROW_CAP):
            truncated, server_cap = True, _SQL_KIND_ROW_CAP  # more were asked for than the server sends
        frame = frame_from_livy_rows(rows, fields, zone)
        frame.attrs[SCHEMA_ATTR] = value["schema"]
        return QueryResult(
            frame=frame,
            fields=fields,
            truncated=truncated,
            total_rows=None if truncated else len(rows),
            max_rows=query.max_rows,
            encoding="livy-sql",
            method="sql",
            time_zone=zone,
            payload_bytes=0,
            statements=statements,
            server_cap=server_cap,
        )

    def _sql_time_zone(
        self, client: LivyClient, session_id: int, on_progress: ProgressCallback | None
    ) -> str:
        output = self._run(client, session_id, "SET spark.sql.session.timeZone", SessionKind.SQL, on_progress)
        value = output.data.get("application/json")
        try:
            return str(value["data"][0][1])  # type: ignore[index]
        except (TypeError, KeyError, IndexError):
            return "UTC"

    # Statements

    def codec(self, capabilities: RemoteCapabilities, *, binary_path: bool = False) -> str | None:
        """The Arrow IPC compression to use with a session.

        :param capabilities: the session's capabilities.
        :param binary_path: the result comes as bytes over loopback (no base64, no network): then
            ``auto`` compresses nothing, as compressing costs more than the bytes it saves.
        :return: ``zstd``, ``lz4`` or ``None``.
        """
        if self.compression == "none" or (self.compression == "auto" and binary_path):
            return None
        wanted = ("zstd",) if self.compression == "auto" else (self.compression,)
        for codec in wanted:
            if codec in capabilities.codecs and pa.Codec.is_available(codec):
                return codec
        return None

    def _run(
        self,
        client: LivyClient,
        session_id: int,
        code: str,
        kind: SessionKind,
        on_progress: ProgressCallback | None,
    ) -> Output:
        output = execute(client, session_id, code, kind=kind, on_progress=on_progress, timeout=self.timeout)
        if not output.ok:
            raise QueryFailed(render_error(output.ename, output.evalue, output.traceback))
        return output

    def call(
        self,
        client: LivyClient,
        session_id: int,
        request: Mapping[str, Any],
        on_progress: ProgressCallback | None = None,
    ) -> tuple[dict[str, Any], str]:
        """Run one request of the remote helper (:mod:`._remote`) in a statement.

        :param client: the session's endpoint client.
        :param session_id: the session.
        :param request: the request (``op`` and its fields).
        :param on_progress: statement progress callback.
        :return: the response header and its base64 data line.
        :raises QueryFailed: if the statement raised.
        :raises TransferFailed: if the answer holds no response.
        """
        output = self._run(client, session_id, remote_call(request), SessionKind.PYSPARK, on_progress)
        return parse_response(output.text or "")
