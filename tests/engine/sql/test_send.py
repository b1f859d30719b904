"""``%%send_to_spark``: local strings and DataFrames reach the session exactly, whatever they hold."""

from __future__ import annotations

import ast
import math

import numpy as np
import pandas as pd
import pytest

from sparkwire.engine.sql import SqlQuery, SqlTransfer, send_to_spark
from sparkwire.livy import LivyClient, run_statement

from .typezoo import COLUMNS, QUERY, SPARK_TYPES, same

pytestmark = pytest.mark.timeout(240)

HOSTILE = [
    "double \" and single ' quotes",
    'triple """ and \'\'\' quotes"""',
    "back\\slash at the end\\",
    "new\nline\r\nand\ttab",
    "NUL \x00 and bell \x07",
    "unicode é ü 漢字 😀 \u2028 \ufeff",
    '"); import os; os.system("echo pwned") #',
    "{braces} %s %(x)s $dollar",
    "",
]
ENCODINGS = ["arrow", "json"]


def remote_text(client: LivyClient, session_id: int, expression: str) -> str:
    """``ascii()`` of a remote expression, read back exactly."""
    output = run_statement(client, session_id, f"print(ascii({expression}))", raise_on_error=True)
    value = ast.literal_eval(output.text or "")
    assert isinstance(value, str)
    return value


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_hostile_strings_arrive_exactly(client: LivyClient, pyspark_id: int, encoding: str) -> None:
    transfer = SqlTransfer(encoding=encoding, chunk_bytes=1024)  # type: ignore[arg-type]
    text = "|".join(HOSTILE) * 20
    sent = send_to_spark(transfer, client, pyspark_id, text, "hostile_text")
    assert sent.statements > 1 and sent.kind == "str"
    assert remote_text(client, pyspark_id, "hostile_text") == text
    send_to_spark(transfer, client, pyspark_id, "", "empty_text")
    assert remote_text(client, pyspark_id, "empty_text") == ""


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_hostile_frames_arrive_with_nulls_and_names_kept(
    client: LivyClient, pyspark_id: int, encoding: str
) -> None:
    transfer = SqlTransfer(encoding=encoding)  # type: ignore[arg-type]
    frame = pd.DataFrame(
        {
            "text": [*HOSTILE, None, np.nan],
            "number": [*range(len(HOSTILE)), None, 7],
            "ratio": [0.5] * len(HOSTILE) + [np.nan, math.inf],
        }
    )
    frame.columns = ["we\"ird 'name", "número", "we\"ird 'name"]  # quotes, unicode, a duplicate
    sent = send_to_spark(transfer, client, pyspark_id, frame, "hostile_frame")
    assert sent.encoding == encoding and sent.rows == len(frame)
    assert [f.type_name for f in sent.fields] == ["string", "double", "double"]
    back = transfer.fetch(client, pyspark_id, SqlQuery.from_variable("hostile_frame")).frame
    assert list(back.columns) == list(frame.columns)
    assert back.iloc[:, 0].tolist() == [*HOSTILE, None, None]
    assert back.iloc[: len(HOSTILE), 1].tolist() == [float(i) for i in range(len(HOSTILE))]
    assert math.isnan(back.iloc[len(HOSTILE), 1]) and back.iloc[-1, 1] == 7.0
    assert back.iloc[-1, 2] == math.inf


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_fetched_frame_goes_back_with_its_spark_types(
    client: LivyClient, pyspark_id: int, encoding: str
) -> None:
    transfer = SqlTransfer(encoding=encoding)  # type: ignore[arg-type]
    fetched = SqlTransfer(encoding="arrow").fetch(client, pyspark_id, SqlQuery.from_sql(QUERY)).frame
    sent = send_to_spark(transfer, client, pyspark_id, fetched, "zoo")
    assert [f.name for f in sent.fields] == COLUMNS
    assert [f.type_name for f in sent.fields] == SPARK_TYPES
    back = transfer.fetch(client, pyspark_id, SqlQuery.from_variable("zoo")).frame
    for index, name in enumerate(COLUMNS):
        before, after = fetched.iloc[:, index], back.iloc[:, index]
        if name != "nn":  # not nullable in the query; every sent column is nullable
            assert after.dtype == before.dtype, name
        for row, (got, want) in enumerate(zip(after.tolist(), before.tolist())):
            assert same(got, want), f"{name}[{row}]: {got!r} != {want!r}"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_large_frames_go_in_chunks(client: LivyClient, pyspark_id: int, encoding: str) -> None:
    transfer = SqlTransfer(encoding=encoding, chunk_bytes=64 * 1024, compression="none")  # type: ignore[arg-type]
    rows = 20_000
    frame = pd.DataFrame(
        {
            "id": np.arange(rows, dtype=np.int64),
            "label": [f"row {i} «{i % 7}»" for i in range(rows)],
            "when": pd.date_range("2024-01-01", periods=rows, freq="min", tz="UTC"),
        }
    )
    sent = send_to_spark(transfer, client, pyspark_id, frame, "big_frame", max_rows=15_000)
    assert sent.rows == 15_000 and sent.statements > 2
    assert [f.type_name for f in sent.fields] == ["bigint", "string", "timestamp"]
    count = run_statement(client, pyspark_id, "print(big_frame.count())", raise_on_error=True)
    assert count.text == "15000"
    back = transfer.fetch(client, pyspark_id, SqlQuery.from_variable("big_frame", max_rows=-1)).frame
    assert back["id"].tolist() == list(range(15_000))
    assert back["label"].iloc[-1] == "row 14999 «5»"
    assert back["when"].iloc[-1] == frame["when"].iloc[14_999]


def test_bad_names_and_values_are_refused_before_sending(client: LivyClient, pyspark_id: int) -> None:
    transfer = SqlTransfer()
    with pytest.raises(ValueError, match="identifier"):
        send_to_spark(transfer, client, pyspark_id, "x", "not a name")
    with pytest.raises(TypeError, match="DataFrame or a str"):
        send_to_spark(transfer, client, pyspark_id, 42, "x")  # type: ignore[arg-type]
