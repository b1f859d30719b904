"""A Scala session on a Livy that is not sparkwire's gateway: its SQL goes through Livy's SQL
interpreter, and a result the server capped says so and how to raise the cap.

A fake server: a real Apache Livy (whose ``/version`` lists no ``kinds``, and whose Scala sessions may
have no Python beside them) cannot run here, and the gateway always runs Python beside Scala, so only
a stand-in can show that no Python is sent and what the cap looks like. It answers ``/version`` as Livy
0.8 does and each statement at once, with Livy's ``application/json`` table for ``sql`` statements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sparkwire.engine.sql import SqlQuery, SqlTransfer
from sparkwire.livy import LivyClient, SessionKind
from tests.livy.conftest import Exchange, FakeLivy, fake_livy, make_client, no_proxies_or_netrc

__all__ = ["fake_livy", "make_client", "no_proxies_or_netrc"]  # the fixtures this module uses

LIVY_CAP = 1000
SCHEMA = {"type": "struct", "fields": [{"name": "id", "type": "long", "nullable": False, "metadata": {}}]}


def _livy_08(fake: FakeLivy, rows_in_table: int) -> list[dict[str, Any]]:
    """Script the fake as Livy 0.8 with a Scala session 7 whose tables have ``rows_in_table`` rows."""
    posted: list[dict[str, Any]] = []
    fake.reply("GET", "/version", {"version": "0.8.0-incubating", "revision": "abc"})

    def statement(exchange: Exchange) -> None:
        body = exchange.json_body()
        posted.append(body)
        if body.get("kind") == "sql":
            rows = [[i] for i in range(min(rows_in_table, LIVY_CAP))]
            data: dict[str, Any] = {"application/json": {"schema": SCHEMA, "data": rows}}
        else:
            data = {"text/plain": ""}
        exchange.reply_json(
            201,
            {
                "id": len(posted) - 1,
                "code": body["code"],
                "state": "available",
                "progress": 1.0,
                "output": {"status": "ok", "execution_count": len(posted) - 1, "data": data},
            },
        )

    fake.route("POST", "/sessions/7/statements", statement)
    return posted


def test_capped_sql_result_says_how_to_raise_the_cap(
    fake_livy: FakeLivy, make_client: Callable[..., LivyClient]
) -> None:
    posted = _livy_08(fake_livy, rows_in_table=5000)
    client = make_client()
    transfer = SqlTransfer()
    assert not transfer.python_beside(client)
    result = transfer.fetch(
        client, 7, SqlQuery.from_sql("SELECT id FROM big", max_rows=-1), session_kind=SessionKind.SPARK
    )
    assert (result.rows, result.truncated, result.total_rows, result.encoding) == (
        1000,
        True,
        None,
        "livy-sql",
    )
    notice = result.notice or ""
    assert notice.startswith("Showing the first 1,000 rows; there may be more.")
    assert "livy.rsc.sql.num-rows" in notice and "sql_max_rows" in notice
    assert "-n -1" not in notice  # asking for more rows would not help
    assert [p["kind"] for p in posted] == ["sql"]  # no Python is sent to this Scala session

    # A Scala variable: registered as a view by a Scala statement, then SQL; still capped and said so.
    posted.clear()
    from_variable = transfer.fetch(
        client, 7, SqlQuery.from_variable("big", max_rows=2000), session_kind=SessionKind.SPARK
    )
    assert from_variable.rows == 1000 and "livy.rsc.sql.num-rows" in (from_variable.notice or "")
    assert [p["kind"] for p in posted] == ["spark", "sql", "sql"]  # view, select, drop
    assert posted[0]["code"].startswith("`big`.createOrReplaceTempView(")


@pytest.mark.parametrize(("rows_in_table", "max_rows"), [(1000, 500), (999, -1), (1000, 1000)])
def test_results_within_what_was_asked_have_no_cap_notice(
    fake_livy: FakeLivy, make_client: Callable[..., LivyClient], rows_in_table: int, max_rows: int
) -> None:
    _livy_08(fake_livy, rows_in_table)
    result = SqlTransfer().fetch(
        make_client(),
        7,
        SqlQuery.from_sql("SELECT id FROM t", max_rows=max_rows),
        session_kind=SessionKind.SPARK,
    )
    assert "livy.rsc.sql.num-rows" not in (result.notice or "")
    assert result.rows == min(rows_in_table, max_rows if max_rows >= 0 else rows_in_table)
