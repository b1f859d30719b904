"""SQL results into pandas through the real gateway: exact dtypes on both encodings, truncation, chunks."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sparkwire.engine.sql import (
    QueryFailed,
    SqlQuery,
    SqlTransfer,
    fetch_last_value,
    result_bundle_for,
    without_repr_line,
)
from sparkwire.livy import LivyClient, run_statement

from .conftest import SESSION_ZONE
from .typezoo import COLUMNS, QUERY, SPARK_TYPES, check_frame

pytestmark = pytest.mark.timeout(240)


@pytest.mark.parametrize("encoding", ["arrow", "json"])
def test_every_type_round_trips_with_exact_dtypes(client: LivyClient, pyspark_id: int, encoding: str) -> None:
    result = SqlTransfer(encoding=encoding).fetch(client, pyspark_id, SqlQuery.from_sql(QUERY))  # type: ignore[arg-type]
    assert result.encoding == encoding
    assert [f.name for f in result.fields] == COLUMNS
    assert [f.type_name for f in result.fields] == SPARK_TYPES
    check_frame(result.frame)
    assert (result.truncated, result.total_rows, result.notice) == (False, 3, None)


def test_auto_takes_small_results_as_rows_and_large_ones_as_arrow(
    client: LivyClient, pyspark_id: int
) -> None:
    transfer = SqlTransfer(take_threshold=1000)
    small = transfer.fetch(client, pyspark_id, SqlQuery.from_sql("SELECT id FROM range(5000)", max_rows=10))
    assert (small.encoding, small.method, small.rows) == ("json", "take", 10)
    limited = transfer.fetch(
        client, pyspark_id, SqlQuery.from_sql("SELECT id FROM range(5000)", max_rows=2000)
    )
    assert (limited.encoding, limited.method, limited.rows, limited.truncated) == (
        "arrow",
        "arrow-take",
        2000,
        True,
    )
    assert limited.frame["id"].tolist() == list(range(2000))
    everything = transfer.fetch(
        client, pyspark_id, SqlQuery.from_sql("SELECT id FROM range(5000)", max_rows=-1)
    )
    assert (everything.encoding, everything.method, everything.rows) == ("arrow", "collect", 5000)
    assert str(everything.frame["id"].dtype) == "int64"  # range's id is not nullable


@pytest.mark.parametrize("encoding", ["arrow", "json"])
def test_truncation_is_reported_and_totals_counted_only_when_asked(
    client: LivyClient, pyspark_id: int, encoding: str
) -> None:
    transfer = SqlTransfer(encoding=encoding)  # type: ignore[arg-type]
    cut = transfer.fetch(client, pyspark_id, SqlQuery.from_sql("SELECT id FROM range(25)", max_rows=10))
    assert (cut.rows, cut.truncated, cut.total_rows) == (10, True, None)
    assert cut.notice == "Showing 10 of more than 10 rows (limit 10; -n -1 fetches all)."
    counted = transfer.fetch(
        client, pyspark_id, SqlQuery.from_sql("SELECT id FROM range(25)", max_rows=10, count_total=True)
    )
    assert (counted.truncated, counted.total_rows) == (True, 25)
    assert counted.notice is not None and counted.notice.startswith("Showing 10 of 25 rows")
    whole = transfer.fetch(client, pyspark_id, SqlQuery.from_sql("SELECT id FROM range(25)", max_rows=25))
    assert (whole.rows, whole.truncated, whole.total_rows, whole.notice) == (25, False, 25, None)
    bundle = result_bundle_for(cut)
    assert "Showing 10 of more than 10 rows" in bundle["text/html"]
    assert "Showing 10 of more than 10 rows" in bundle["text/plain"]


@pytest.mark.parametrize("encoding", ["arrow", "json"])
def test_results_larger_than_a_chunk_arrive_whole(client: LivyClient, pyspark_id: int, encoding: str) -> None:
    # Inline, as on Apache Livy: the gateway's result files are turned down.
    transfer = SqlTransfer(
        encoding=encoding,
        chunk_bytes=64 * 1024,
        compression="none",  # type: ignore[arg-type]
        result_files=False,
    )
    query = SqlQuery.from_sql(
        "SELECT id, concat('row-', id, '-\"quoted\"\\n') AS s FROM range(30000)", max_rows=-1
    )
    result = transfer.fetch(client, pyspark_id, query)
    assert result.payload_bytes > 4 * transfer.chunk_bytes
    assert result.statements == -(-result.payload_bytes // transfer.chunk_bytes)
    assert result.frame["id"].tolist() == list(range(30000))
    assert result.frame["s"].iloc[29999] == 'row-29999-"quoted"\n'


@pytest.mark.parametrize("compression", ["none", "zstd"])
def test_the_gateway_sends_a_large_arrow_result_as_one_file(
    client: LivyClient, pyspark_id: int, compression: str
) -> None:
    assert "arrow-results" in client.extensions()
    transfer = SqlTransfer(encoding="arrow", chunk_bytes=64 * 1024, compression=compression)  # type: ignore[arg-type]
    # Hashes: text that compresses little, so the result stays larger than many chunks with zstd too.
    query = SqlQuery.from_sql("SELECT id, sha2(CAST(id AS STRING), 256) AS s FROM range(30000)", max_rows=-1)
    result = transfer.fetch(client, pyspark_id, query)
    # One statement for many chunks' worth of bytes: they came from /results, not the statement's text.
    assert result.payload_bytes > 4 * transfer.chunk_bytes and result.statements == 1
    assert result.frame["id"].tolist() == list(range(30000))
    assert result.frame["s"].iloc[29999] == hashlib.sha256(b"29999").hexdigest()


def test_compressed_arrow_gives_the_same_frame(client: LivyClient, pyspark_id: int) -> None:
    plain = SqlTransfer(encoding="arrow", compression="none").fetch(
        client, pyspark_id, SqlQuery.from_sql(QUERY)
    )
    packed = SqlTransfer(encoding="arrow", compression="zstd").fetch(
        client, pyspark_id, SqlQuery.from_sql(QUERY)
    )
    check_frame(packed.frame)
    assert packed.frame.to_string() == plain.frame.to_string()


def test_sampling_takes_a_fraction(client: LivyClient, pyspark_id: int) -> None:
    query = SqlQuery.from_sql(
        "SELECT id FROM range(2000)", sample_method="sample", sample_fraction=0.25, sample_seed=7, max_rows=-1
    )
    result = SqlTransfer().fetch(client, pyspark_id, query)
    assert 300 < result.rows < 700
    assert result.sampled and result.notice == "Rows are a random sample."


def test_a_dataframe_variable_is_fetched_by_name(client: LivyClient, pyspark_id: int) -> None:
    run_statement(
        client, pyspark_id, "people = spark.sql(\"SELECT 'ann' AS name, 31 AS age\")", raise_on_error=True
    )
    result = SqlTransfer().fetch(client, pyspark_id, SqlQuery.from_variable("people"))
    assert result.frame.to_dict("records") == [{"name": "ann", "age": 31}]


def test_failures_carry_sparks_message(client: LivyClient, pyspark_id: int) -> None:
    transfer = SqlTransfer()
    with pytest.raises(QueryFailed) as bad_sql:
        transfer.fetch(client, pyspark_id, SqlQuery.from_sql("SELECT * FROM no_such_table"))
    assert bad_sql.value.error.ename == "AnalysisException"
    assert "no_such_table" in bad_sql.value.error.evalue
    with pytest.raises(QueryFailed) as missing:
        transfer.fetch(client, pyspark_id, SqlQuery.from_variable("nothing_here"))
    assert missing.value.error.ename == "NameError"
    run_statement(client, pyspark_id, "not_a_frame = 42", raise_on_error=True)
    with pytest.raises(QueryFailed) as wrong:
        transfer.fetch(client, pyspark_id, SqlQuery.from_variable("not_a_frame"))
    assert "not a Spark DataFrame" in wrong.value.error.evalue


def test_a_cells_last_dataframe_is_fetched_as_a_table(client: LivyClient, pyspark_id: int) -> None:
    transfer = SqlTransfer()
    output = run_statement(
        client,
        pyspark_id,
        "print('before')\nspark.range(3).selectExpr('id', 'id * 2 AS twice')",
        raise_on_error=True,
    )
    assert output.text == "before\nDataFrame[id: bigint, twice: bigint]"
    shown = fetch_last_value(transfer, client, pyspark_id, output.text)
    assert shown is not None
    assert shown.frame.to_dict("list") == {"id": [0, 1, 2], "twice": [0, 2, 4]}
    assert without_repr_line(output.text) == "before\n"
    # Printing a DataFrame's repr is not displaying it: nothing stale is fetched.
    printed = run_statement(
        client, pyspark_id, "print(spark.range(3).selectExpr('id', 'id * 2 AS twice'))", raise_on_error=True
    )
    assert fetch_last_value(transfer, client, pyspark_id, printed.text) is None
    assert fetch_last_value(transfer, client, pyspark_id, "just text") is None


@pytest.mark.parametrize("encoding", ["arrow", "json"])
def test_nested_values_are_python_objects_in_the_session_zone(
    client: LivyClient, pyspark_id: int, encoding: str
) -> None:
    query = SqlQuery.from_sql(
        "SELECT ARRAY(TIMESTAMP'2024-01-02 03:04:05.5') AS a, "
        "NAMED_STRUCT('d', DATE'2024-01-02', 'm', CAST(1.5 AS DECIMAL(3,1)), 'b', X'01') AS s, "
        "MAP(1, ARRAY('x')) AS m"
    )
    frame = SqlTransfer(encoding=encoding).fetch(client, pyspark_id, query).frame  # type: ignore[arg-type]
    [stamp] = frame["a"][0]
    assert stamp == datetime.datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=ZoneInfo(SESSION_ZONE))
    assert str(stamp.tzinfo) == SESSION_ZONE
    assert frame["s"][0] == {"d": datetime.date(2024, 1, 2), "m": Decimal("1.5"), "b": b"\x01"}
    assert frame["m"][0] == {1: ["x"]}


def test_large_takes_scan_partitions_incrementally_and_keep_order(
    client: LivyClient, pyspark_id: int
) -> None:
    # 40 partitions of 2,500 rows: more than one wave of the session's cores, so the incremental path runs.
    query = SqlQuery.from_sql(
        "SELECT id, CAST(id AS STRING) AS s FROM range(0, 100000, 1, 40)", max_rows=25_000
    )
    result = SqlTransfer(take_threshold=1000).fetch(client, pyspark_id, query)
    assert (result.method, result.rows, result.truncated) == ("arrow-take", 25_000, True)
    assert result.frame["id"].tolist() == list(range(25_000))
    assert result.frame["s"].iloc[-1] == "24999"


@pytest.mark.parametrize("encoding", ["arrow", "json"])
def test_empty_results_keep_their_columns_and_dtypes(
    client: LivyClient, pyspark_id: int, encoding: str
) -> None:
    query = SqlQuery.from_sql(
        "SELECT CAST(id AS INT) AS n, 'x' AS s, DATE'2024-01-01' AS d FROM range(0)", max_rows=-1
    )
    result = SqlTransfer(encoding=encoding).fetch(client, pyspark_id, query)  # type: ignore[arg-type]
    assert result.frame.shape == (0, 3)
    assert [str(t) for t in result.frame.dtypes] == ["int32", "object", "datetime64[s]"]
    assert (result.truncated, result.total_rows) == (False, 0)
