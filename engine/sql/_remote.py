"""Code that runs *inside* the remote Spark session's Python (a Livy pyspark REPL), not on the client.

:mod:`.query` sends this file's source (followed by :mod:`._remote_codec`'s, the JSON codec) in each
statement, with its request as a JSON literal, and the statement installs it once per session as the
module ``_sparkwire_remote_<hash>`` (so it never touches the user's variables). :func:`main` prints one response: the line ``@sparkwire/1 <JSON header>``, then
one line of base64 data (possibly empty). Anything else in the statement's text (warnings on stderr,
output leaked by Livy from an earlier statement) is ignored by the client.

Operations: ``probe`` (pyarrow? versions?), ``fetch`` (run a query or read a DataFrame variable,
encode up to ``max_rows + 1`` rows, keep the encoded bytes and answer with the first chunk), ``chunk``
(the next chunk of those bytes), ``release``, and ``upload`` (receive bytes for ``%%send_to_spark``).

It must run on whatever Python and PySpark the cluster has (3.8+, Spark 3.x and 4.x): no syntax newer
than 3.8, pyspark and pyarrow imported lazily, private PySpark APIs only behind a fallback.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
import os
import re
import sys
import time
from typing import Any

if __package__:  # imported locally (tests, type checks); remotely _remote_codec's source is in this module
    from ._remote_codec import apply_codec, decoder, duplicate_struct_names, json_bytes, nests, type_kind

MARKER = "@sparkwire/1 "

# Set by sparkwire's gateway in its session processes: a folder whose result files it serves at
# /sessions/{id}/results/{token}. Used only when the client asks (it saw arrow-results in /version).
RESULTS_DIR_ENV = "SPARKWIRE_RESULTS_DIR"
_TOKEN = re.compile(r"[0-9a-f]{32}")

# Encoded results waiting to be pulled (token -> bytes) and uploads being received (token -> parts).
# One transfer at a time per session: a new fetch drops what an interrupted one left behind.
_RESULTS: dict[str, Any] = {}
_UPLOADS: dict[str, list[bytes]] = {}


def main(request: dict[str, Any], namespace: dict[str, Any]) -> None:
    """Run one request and print its response.

    :param request: the request; ``op`` names the operation.
    :param namespace: the REPL's globals (the user's variables, ``spark``).
    """
    handlers = {"probe": _probe, "fetch": _fetch, "chunk": _chunk, "release": _release, "upload": _upload}
    header, data = handlers[request["op"]](request, namespace)
    sys.stdout.write(MARKER + json.dumps(header, separators=(",", ":")) + "\n")
    sys.stdout.write(base64.b64encode(data).decode("ascii") + "\n")


def _spark(namespace: dict[str, Any]) -> Any:
    spark = namespace.get("spark")
    if spark is None:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.getOrCreate()
    return spark


def _arrow() -> Any:
    try:
        import pyarrow
    except Exception:  # noqa: BLE001 - missing or broken: either way, no Arrow
        return None
    return pyarrow


def _probe(request: dict[str, Any], namespace: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    pa = _arrow()
    info: dict[str, Any] = {"ok": True, "python": sys.version.split()[0], "pyarrow": None, "codecs": []}
    if pa is not None:
        info["pyarrow"] = pa.__version__
        info["codecs"] = [c for c in ("zstd", "lz4") if pa.Codec.is_available(c)]
    try:
        import pyspark

        info["pyspark"] = pyspark.__version__
        info["spark"] = _spark(namespace).version
    except Exception:  # noqa: BLE001 - a probe reports what it can
        info["pyspark"] = info.get("pyspark")
    return info, b""


# -- fetch --------------------------------------------------------------------------------------------


def _is_dataframe(value: Any) -> bool:
    classes: list[Any] = []
    for module in ("pyspark.sql", "pyspark.sql.connect.dataframe"):  # classic, and Spark Connect (3.4+)
        with contextlib.suppress(Exception):  # Spark Connect is optional
            classes.append(importlib.import_module(module).DataFrame)
    return isinstance(value, tuple(classes))


def _source(source: dict[str, Any], namespace: dict[str, Any], spark: Any) -> Any:
    if "sql" in source:
        return spark.sql(source["sql"])
    if "variable" in source:
        name = source["variable"]
        if name not in namespace:
            raise NameError(f"name {name!r} is not defined in the Spark session")
        value = namespace[name]
        if not _is_dataframe(value):
            raise TypeError(f"{name!r} is a {type(value).__name__}, not a Spark DataFrame")
        return value
    import builtins

    value = getattr(builtins, "_", None)  # the REPL's display hook keeps the last shown value here
    if not _is_dataframe(value):
        return None
    expected = source.get("expect_repr")
    if expected is not None and repr(value) != expected:
        return None
    # Taken: a later cell that only *prints* a DataFrame's repr must not show this one again.
    builtins._ = None  # type: ignore[attr-defined]
    return value


def _deliverable(df: Any, fields: list[Any]) -> tuple[Any, list[Any]]:
    """Positional column names when names repeat, and top-level casts to string for values that have no
    Python or Arrow form (intervals other than day-time, variants)."""
    casts = [nests(f["type"], ("string_cast",)) or type_kind(f["type"]) == "variant" for f in fields]
    if len({f["name"] for f in fields}) == len(fields) and not any(casts):
        return df, fields  # as it is: renaming costs another analysis
    names = [f"_c{i}" for i in range(len(fields))]
    df = df.toDF(*names)
    if any(casts):
        df = df.selectExpr(
            *[f"CAST(`{n}` AS STRING) AS `{n}`" if c else f"`{n}`" for n, c in zip(names, casts)]
        )
    return df, json.loads(df.schema.json())["fields"]


def _fetch(request: dict[str, Any], namespace: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    _RESULTS.clear()
    started = time.perf_counter()
    spark = _spark(namespace)
    df = _source(request["source"], namespace, spark)
    if df is None:
        return {"ok": False, "reason": "no-dataframe"}, b""
    sample = request.get("sample")
    if sample:
        df = df.sample(withReplacement=False, fraction=float(sample["fraction"]), seed=sample.get("seed"))
    schema = json.loads(df.schema.json())
    df, delivered = _deliverable(df, schema["fields"])
    header: dict[str, Any] = {
        "ok": True,
        "schema": schema,
        "delivered": {"type": "struct", "fields": delivered},
        "time_zone": spark.conf.get("spark.sql.session.timeZone"),
    }
    planned = time.perf_counter()
    data, rows = _collect(spark, df, request, delivered, header)
    max_rows = int(request["max_rows"])
    truncated = 0 <= max_rows < rows
    header["rows"] = min(rows, max_rows) if truncated else rows
    header["truncated"] = truncated
    header["total_rows"] = rows if not truncated else (df.count() if request.get("count_total") else None)
    header["timings"] = {"plan": planned - started, "collect_encode": time.perf_counter() - planned}
    if "collected" in header:
        header["timings"]["collect"] = header.pop("collected")
    if header.get("file"):
        header["token"], header["chunk_len"] = request["token"], 0
        return header, b""
    return _first_chunk(header, data, int(request["chunk_bytes"]), request["token"])


def _collect(
    spark: Any, df: Any, request: dict[str, Any], delivered: list[Any], header: dict[str, Any]
) -> tuple[Any, int]:
    """Collect up to ``max_rows + 1`` rows and encode them; return the bytes and the rows collected."""
    max_rows = int(request["max_rows"])
    want = -1 if max_rows < 0 else max_rows + 1
    encoding = request.get("encoding", "auto")
    pa = _arrow() if encoding != "json" else None
    unfit = any(nests(f["type"], ("variant", "udt")) or duplicate_struct_names(f["type"]) for f in delivered)
    if (
        pa is not None
        and not unfit
        and (want < 0 or want > int(request["take_threshold"]) or encoding == "arrow")
    ):
        started = time.perf_counter()
        table, header["method"] = _collect_arrow(spark, df, want, pa)
        header["collected"] = time.perf_counter() - started  # the rest of collect_encode is encoding
        rows = table.num_rows
        if 0 <= max_rows < rows:
            table = table.slice(0, max_rows)
        header["encoding"], header["compression"] = "arrow", request.get("compression")
        folder = _results_folder(request)
        if folder is not None:
            try:
                header["nbytes"] = _ipc_file(table, request.get("compression"), pa, folder, request["token"])
            except OSError:  # a full or unwritable disk: the result goes inline, as to Apache Livy
                pass
            else:
                header["file"] = True
                return b"", rows
        return _ipc_bytes(table, request.get("compression"), pa), rows
    collected = df.collect() if want < 0 else df.limit(want).collect()
    header["encoding"], header["method"] = "json", "take"
    return json_bytes(collected[:max_rows] if max_rows >= 0 else collected, delivered), len(collected)


def _first_chunk(header: dict[str, Any], data: Any, size: int, token: str) -> tuple[dict[str, Any], bytes]:
    view = memoryview(data)
    header["token"], header["nbytes"] = token, len(view)
    first = view[:size]
    if len(view) > size:
        _RESULTS[token] = data
    header["chunk_len"] = len(first)
    return header, bytes(first)


def _collect_arrow(spark: Any, df: Any, want: int, pa: Any) -> tuple[Any, str]:
    if want < 0:
        return _to_arrow(df, pa), "collect"
    table = _arrow_take(spark, df, want, pa)
    if table is not None:
        return table, "arrow-take"
    return _to_arrow(df.limit(want), pa), "arrow-limit"


def _to_arrow(df: Any, pa: Any) -> Any:
    """All rows as an Arrow table, as the JVM built them. Not ``toArrow()``: PySpark 4.0 casts its
    result to the schema's nullability, which fails for a null struct with non-nullable fields."""
    collect = getattr(df, "_collect_as_arrow", None)
    if collect is None:  # Spark Connect
        return df.toArrow()
    with _batch_rows(getattr(df, "sparkSession", None), df.schema):
        # Restored only once every batch arrived: Spark reads the setting when the job starts, in the
        # thread that serves the batches.
        batches = collect()
    if batches:
        return pa.Table.from_batches(batches)
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(df.schema).empty_table()


def _arrow_take(spark: Any, df: Any, want: int, pa: Any) -> Any:
    """The first ``want`` rows as Arrow, scanning partitions incrementally as ``RDD.take`` does.

    ``df.limit(n).toArrow()`` runs a task on *every* partition and shuffles their first ``n`` rows into
    one (Spark's CollectLimitExec.doExecute), which takes seconds on a large table where a take needs one
    partition. This reads the Arrow batches Spark already builds per partition (``toArrowBatchRdd``), a
    private API present from Spark 2.4 to 4.0; ``None`` when it is unavailable (Spark Connect, say).
    """
    try:
        from pyspark.rdd import _load_from_socket
        from pyspark.serializers import NoOpSerializer
        from pyspark.sql.pandas.types import to_arrow_schema

        sc = spark.sparkContext
        schema = to_arrow_schema(df.schema)
        jrdd = _batch_rdd(spark, df)
        if str(spark.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false")).lower() == "true":
            return None
        total = jrdd.getNumPartitions()
    except Exception:  # noqa: BLE001 - any missing piece means: use the public API instead
        return None
    # First one wave of the cluster's cores (RDD.take starts with one partition): this path serves large
    # requests, and a wave costs the time of one partition.
    wave = max(1, min(int(sc.defaultParallelism), 16))
    if total <= wave:
        # Everything in one job anyway: Spark's own collect streams batches to Python as partitions
        # finish, a fifth faster than results gathered on the driver first (the plan is shared).
        table = _to_arrow(df, pa)
        return table.slice(0, want) if table.num_rows > want else table
    batches: list[Any] = []
    rows = scanned = 0
    while rows < want and scanned < total:
        count = wave
        if scanned > 0:  # as RDD.take: quadruple while empty, else interpolate with 50% margin
            count = (
                scanned * 4
                if rows == 0
                else min(max(int(1.5 * want * scanned / rows) - scanned, 1), scanned * 4)
            )
        parts = list(range(scanned, min(scanned + count, total)))
        info = sc._jvm.PythonRDD.runJob(sc._jsc.sc(), jrdd, parts)
        with _socket_stream(_load_from_socket(info, NoOpSerializer())) as stream:
            for message in stream:
                if rows < want:
                    batch = pa.ipc.read_record_batch(pa.py_buffer(message), schema)
                    batches.append(batch)
                    rows += batch.num_rows
        scanned += count
    table = pa.Table.from_batches(batches, schema=schema)
    return table.slice(0, want) if table.num_rows > want else table


def _socket_stream(loaded: Any) -> Any:
    """What ``_load_from_socket`` returned, as a context manager yielding the messages: PySpark up to 4.0
    returns the iterator itself, later ones a context manager that closes the socket (told apart by
    what the object is, not by a version number)."""
    if hasattr(loaded, "__enter__"):
        return loaded
    return contextlib.nullcontext(loaded)


def _batch_rdd(spark: Any, df: Any) -> Any:
    """``toArrowBatchRdd``, with :func:`_batch_rows`'s batches; the setting is read when the RDD is made."""
    with _batch_rows(spark, df.schema):
        return df._jdf.toArrowBatchRdd().toJavaRDD()


@contextlib.contextmanager
def _batch_rows(spark: Any, schema: Any) -> Any:
    """Arrow batches of about 4 MB rather than Spark's 10,000 rows, while the block runs: per-batch costs
    dominate for narrow rows (a third of the time for 100k rows of 5 columns). The user's setting is
    restored afterwards (a user who set it keeps it for their own code)."""
    key = "spark.sql.execution.arrow.maxRecordsPerBatch"
    if spark is None:  # PySpark before 3.3 has no DataFrame.sparkSession: Spark's own batches then
        yield
        return
    try:
        from pyspark.sql.pandas.types import to_arrow_schema

        width = sum(_width(field.type) for field in to_arrow_schema(schema)) or 1
        previous = spark.conf.get(key)
    except Exception:  # noqa: BLE001 - types Arrow cannot carry, or a conf that cannot be read: leave it
        yield
        return
    spark.conf.set(key, str(max(10_000, min(100_000, (4 << 20) // width))))
    try:
        yield
    finally:
        spark.conf.set(key, previous)


def _width(data_type: Any) -> int:
    """A guess of an Arrow value's size in bytes, for batch sizing."""
    try:
        return max(1, int(data_type.bit_width) // 8)
    except ValueError:  # strings, binary, nested types: no fixed width
        return 64 if data_type.num_fields else 32


def _results_folder(request: dict[str, Any]) -> str | None:
    """The folder to write the result to for the gateway to serve, or ``None`` to send it inline."""
    folder = os.environ.get(RESULTS_DIR_ENV)
    if not request.get("result_file") or not folder or not _TOKEN.fullmatch(str(request.get("token"))):
        return None
    return folder


def _ipc_file(table: Any, compression: str | None, pa: Any, folder: str, token: str) -> int:
    """Write the table as an Arrow IPC stream to ``<folder>/<token>.arrow`` (0600); return its size.

    One result per session, as with :data:`_RESULTS`: older files go (the gateway deletes a file once
    served; these are the ones nobody fetched)."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    for name in os.listdir(folder):
        with contextlib.suppress(OSError):
            os.remove(os.path.join(folder, name))
    temporary = os.path.join(folder, token + ".tmp")
    os.close(os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))  # private before any byte
    options = pa.ipc.IpcWriteOptions(compression=compression) if compression else None
    with pa.OSFile(temporary, "wb") as sink, pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    final = os.path.join(folder, token + ".arrow")
    os.replace(temporary, final)
    return os.path.getsize(final)


def _ipc_bytes(table: Any, compression: str | None, pa: Any) -> Any:
    options = pa.ipc.IpcWriteOptions(compression=compression) if compression else None
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _chunk(request: dict[str, Any], namespace: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    token, offset, size = request["token"], int(request["offset"]), int(request["size"])
    if token not in _RESULTS:
        raise KeyError(f"sparkwire transfer {token} is gone (a newer query replaced it); run the query again")
    data = memoryview(_RESULTS[token])
    piece = bytes(data[offset : offset + size])
    done = offset + size >= len(data)
    if done:
        del _RESULTS[token]
    return {"ok": True, "offset": offset, "chunk_len": len(piece), "done": done}, piece


def _release(request: dict[str, Any], namespace: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    token = str(request.get("token"))
    _RESULTS.pop(token, None)
    _UPLOADS.pop(token, None)
    folder = os.environ.get(RESULTS_DIR_ENV)
    if folder and _TOKEN.fullmatch(token):
        with contextlib.suppress(OSError):
            os.remove(os.path.join(folder, token + ".arrow"))
    return {"ok": True}, b""


# -- upload (%%send_to_spark) -----------------------------------------------------------------------


def _upload(request: dict[str, Any], namespace: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    token = request["token"]
    if request.get("first"):
        _UPLOADS.clear()
        _UPLOADS[token] = []
    if token not in _UPLOADS:
        raise KeyError(f"sparkwire upload {token} is gone (another upload replaced it); send again")
    _UPLOADS[token].append(base64.b64decode(request["data"]))
    if not request.get("final"):
        return {"ok": True, "received": sum(len(p) for p in _UPLOADS[token])}, b""
    payload = b"".join(_UPLOADS.pop(token))
    target = request["target"]
    if target["kind"] == "str":
        value = payload.decode("utf-8", "surrogatepass")
        namespace[target["name"]] = value
        return {"ok": True, "name": target["name"], "chars": len(value)}, b""
    spark = _spark(namespace)
    from pyspark.sql.types import StructType

    schema = StructType.fromJson(target["schema"])
    if target["kind"] == "arrow":
        frame = _frame_from_arrow(spark, payload, schema)
    else:
        frame = _frame_from_json(spark, payload, target["schema"], schema)
    frame = frame.toDF(*target["names"])
    namespace[target["name"]] = frame
    return {"ok": True, "name": target["name"], "schema": json.loads(frame.schema.json())}, b""


def _frame_from_arrow(spark: Any, payload: bytes, schema: Any) -> Any:
    import pyarrow as pa

    table = pa.ipc.open_stream(pa.py_buffer(payload)).read_all()
    try:
        return spark.createDataFrame(table, schema=schema)  # PySpark 4.0+ takes Arrow tables
    except (TypeError, ValueError):
        rows = [tuple(row.values()) for row in table.to_pylist(maps_as_pydicts="lossy")]
        return spark.createDataFrame(rows, schema=schema)


def _frame_from_json(spark: Any, payload: bytes, schema_json: dict[str, Any], schema: Any) -> Any:
    columns = json.loads(payload.decode("utf-8"))["columns"]
    decoded = []
    for field, values in zip(schema_json["fields"], columns):
        decode = decoder(field["type"])
        decoded.append(values if decode is None else [apply_codec(decode, v) for v in values])
    rows = list(zip(*decoded)) if decoded else []
    return spark.createDataFrame(rows, schema=schema)
