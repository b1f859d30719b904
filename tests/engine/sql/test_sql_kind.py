"""A Livy ``sql``-kind session: its ``application/json`` result (schema + rows) becomes the same pandas frame."""

from __future__ import annotations

import pytest

from sparkwire.engine.sql import QueryFailed, SqlError, SqlQuery, SqlTransfer
from sparkwire.livy import LivyClient, SessionKind

from .typezoo import QUERY, check_frame

pytestmark = pytest.mark.timeout(240)


def test_sql_sessions_give_the_same_dtypes(client: LivyClient, sql_id: int) -> None:
    result = SqlTransfer().fetch(client, sql_id, SqlQuery.from_sql(QUERY), session_kind=SessionKind.SQL)
    assert (result.encoding, result.method, result.statements) == ("livy-sql", "sql", 2)  # + the time zone
    check_frame(result.frame, second_precision=True)  # Livy sends timestamps to the second


def test_sql_session_rows_are_cut_on_the_client_and_reported(client: LivyClient, sql_id: int) -> None:
    transfer = SqlTransfer()
    cut = transfer.fetch(
        client,
        sql_id,
        SqlQuery.from_sql("SELECT id FROM range(30)", max_rows=5),
        session_kind=SessionKind.SQL,
    )
    assert (cut.rows, cut.truncated, cut.total_rows) == (5, True, None)
    assert cut.notice is not None and cut.notice.startswith("Showing 5 of more than 5 rows")
    capped = transfer.fetch(
        client,
        sql_id,
        SqlQuery.from_sql("SELECT id FROM range(5000)", max_rows=-1),
        session_kind=SessionKind.SQL,
    )
    assert (capped.rows, capped.truncated, capped.total_rows) == (1000, True, None)  # the gateway's cap
    assert capped.notice is not None and "sql_max_rows" in capped.notice


def test_sql_session_errors_and_limits(client: LivyClient, sql_id: int) -> None:
    transfer = SqlTransfer()
    with pytest.raises(QueryFailed) as failed:
        transfer.fetch(
            client, sql_id, SqlQuery.from_sql("SELECT * FROM missing_table"), session_kind=SessionKind.SQL
        )
    assert failed.value.error.ename == "Error"
    assert "missing_table" in failed.value.error.evalue
    with pytest.raises(SqlError, match="runs SQL only"):
        transfer.fetch(client, sql_id, SqlQuery.from_variable("df"), session_kind=SessionKind.SQL)
