"""``%spark add -l scala`` and ``-l r`` on the real gateway: Scala cells, ``-c sql -o`` and ``-o VAR`` into
typed pandas (on the gateway through the same Python Arrow transfer as a pyspark session, sent as
``pyspark``-kind statements beside the Scala REPL), ``%%send_to_spark`` into Scala, and the gateway's
clear refusal of R. A real IPython shell; one Scala session for the module, attached by id in each test."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import requests
from IPython.core.interactiveshell import InteractiveShell

from sparkwire.magics import SparkError
from tests.support.livy_http import HEADERS, create_session, wait_session

from .conftest import client, new_notebook, output_text


@pytest.fixture(scope="module")
def scala_session(gateway_url: str) -> Iterator[int]:
    session = create_session(gateway_url, {"kind": "spark", "name": "magics-scala"})
    try:
        wait_session(gateway_url, session["id"])
        yield int(session["id"])
    finally:
        requests.delete(f"{gateway_url}/sessions/{session['id']}", headers=HEADERS, timeout=30)


@pytest.fixture
def scala(shell: InteractiveShell, gateway_url: str, scala_session: int) -> InteractiveShell:
    """The shell with the module's Scala session attached as ``sc``."""
    shell.run_line_magic("spark", f"add -s sc -l scala -u {gateway_url} --id {scala_session}")
    return shell


def test_scala_code_runs_and_its_output_shows(
    scala: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    scala.run_cell_magic(
        "spark", "-s sc", 'val words = Seq("a", "bb", "ccc")\nprintln(words.map(_.length).sum)'
    )
    assert "6" in capsys.readouterr().out


def test_c_sql_o_gives_typed_pandas(scala: InteractiveShell) -> None:
    scala.run_cell_magic(
        "spark",
        "-s sc",
        'spark.range(4).selectExpr("id", "id / 2 AS half", '
        '"id % 2 = 0 AS even", "DATE\'2025-03-01\' + CAST(id AS INT) AS day")'
        '.createOrReplaceTempView("magic_t")',
    )
    scala.run_cell_magic("spark", "-s sc -c sql -o out -q", "SELECT * FROM magic_t ORDER BY id")
    out = scala.user_ns["out"]
    assert isinstance(out, pd.DataFrame)
    assert {c: str(t) for c, t in out.dtypes.items()} == {
        "id": "int64",
        "half": "float64",
        "even": "boolean",
        "day": "datetime64[s]",
    }  # % makes even nullable
    assert out["half"].tolist() == [0.0, 0.5, 1.0, 1.5]
    assert pd.Timestamp(out["day"].iloc[3]).date() == datetime.date(2025, 3, 4)
    # -n cuts, and the result says so.
    scala.run_cell_magic("spark", "-s sc -c sql -o two -q -n 2", "SELECT * FROM magic_t ORDER BY id")
    assert scala.user_ns["two"]["id"].tolist() == [0, 1]
    # -m sample goes through a temporary view of the query and TABLESAMPLE (100 percent: every row).
    scala.run_cell_magic("spark", "-s sc -c sql -o sampled -q -m sample -r 1.0", "SELECT id FROM magic_t")
    assert sorted(scala.user_ns["sampled"]["id"].tolist()) == [0, 1, 2, 3]


def test_o_copies_a_scala_dataframe_variable(scala: InteractiveShell) -> None:
    scala.run_cell_magic(
        "spark", "-s sc -o squares", 'val squares = spark.range(5).selectExpr("id * id AS sq")'
    )
    assert scala.user_ns["squares"]["sq"].tolist() == [0, 1, 4, 9, 16]
    # Past the SQL interpreter's 1,000 rows, typed, and -n still cuts.
    scala.run_cell_magic(
        "spark",
        "-s sc -o many -n -1",
        'val many = spark.range(3000).selectExpr("id", "CAST(id AS DOUBLE) / 4 AS q", '
        '"CASE WHEN id % 2 = 0 THEN NULL ELSE CAST(id AS STRING) END AS odd")',
    )
    many = scala.user_ns["many"]
    assert len(many) == 3000 and many["q"].iloc[-1] == 2999 / 4
    assert {c: str(t) for c, t in many.dtypes.items()} == {"id": "int64", "q": "float64", "odd": "object"}
    assert many["odd"].iloc[0] is None and many["odd"].iloc[1] == "1"
    scala.run_cell_magic("spark", "-s sc -o many -n 10", "many.count()")
    assert len(scala.user_ns["many"]) == 10
    # No temporary view is left behind.
    scala.run_cell_magic("spark", "-s sc -c sql -o views -q", "SHOW VIEWS")
    assert not [v for v in scala.user_ns["views"]["viewName"] if v.startswith("sparkwire_view_")]


# Every type the transfer maps, with nulls, on more rows than a sql statement returns (1,000).
PARITY_ROWS = 6_000
PARITY_QUERY = f"""
SELECT id, CAST(id AS INT) AS i, id / 3.0D AS x, CAST(id AS STRING) AS s,
       DATE'2024-01-01' + CAST(id % 1000 AS INT) AS d,
       timestamp_micros(1704067200123456 + id * 1000001) AS ts,
       CAST(id / 7 AS DECIMAL(12,3)) AS dec,
       CASE WHEN id % 5 = 0 THEN NULL ELSE id END AS maybe,
       CASE WHEN id % 7 = 0 THEN NULL ELSE CAST(id AS STRING) END AS maybe_s,
       CASE WHEN id % 3 = 0 THEN NULL ELSE DATE'2024-01-01' END AS maybe_d
FROM range({PARITY_ROWS}) ORDER BY id
"""


def test_c_sql_n_all_gives_every_row_as_a_python_session_does(
    scala: InteractiveShell, gateway_url: str, pyspark_session: int
) -> None:
    """``-n -1`` from a Scala session: all 6,000 rows (not the SQL interpreter's 1,000), with exactly the
    dtypes and values the same query gives from a Python session on the same gateway."""
    scala.run_line_magic("spark", f"add -s py -l python -u {gateway_url} --id {pyspark_session}")
    scala.run_cell_magic("spark", "-s py -c sql -o zone -q", "SET spark.sql.session.timeZone")
    python_zone = scala.user_ns["zone"]["value"].iloc[0]
    scala.run_cell_magic("spark", "-s sc -c sql -q", f"SET spark.sql.session.timeZone={python_zone}")
    scala.run_cell_magic("spark", "-s sc -c sql -o from_scala -q -n -1", PARITY_QUERY)
    scala.run_cell_magic("spark", "-s py -c sql -o from_python -q -n -1", PARITY_QUERY)
    from_scala, from_python = scala.user_ns["from_scala"], scala.user_ns["from_python"]
    assert len(from_scala) == PARITY_ROWS
    assert {c: str(t) for c, t in from_scala.dtypes.items()} == {
        "id": "int64",
        "i": "int32",
        "x": "float64",
        "s": "object",
        "d": "datetime64[s]",
        "ts": f"datetime64[us, {python_zone}]",
        "dec": "object",
        "maybe": "Int64",
        "maybe_s": "object",
        "maybe_d": "datetime64[s]",
    }
    pd.testing.assert_frame_equal(from_scala, from_python)
    assert from_scala["ts"].iloc[1].microsecond == 123457  # microseconds, not the SQL interpreter's seconds
    assert pd.isna(from_scala["maybe"].iloc[0]) and pd.isna(from_scala["maybe_d"].iloc[0])


def test_the_scala_session_uses_the_arrow_transfer(gateway_url: str, scala_session: int) -> None:
    """The engine's view of the same: Arrow, one helper call (a result file), no row cap, no view left."""
    from sparkwire.engine.sql import SqlQuery, SqlTransfer
    from sparkwire.livy import LivyClient, SessionKind

    transfer = SqlTransfer(timeout=300)
    with LivyClient(gateway_url) as livy:
        assert transfer.python_beside(livy)
        result = transfer.fetch(
            livy,
            scala_session,
            SqlQuery.from_sql("SELECT id, id * 2 AS twice FROM range(2500)", max_rows=-1),
            session_kind=SessionKind.SPARK,
        )
        assert (result.encoding, result.rows, result.truncated, result.notice) == ("arrow", 2500, False, None)
        cut = transfer.fetch(
            livy,
            scala_session,
            SqlQuery.from_sql("SELECT id FROM range(2500)", max_rows=1500),
            session_kind=SessionKind.SPARK,
        )
        assert (cut.rows, cut.truncated) == (1500, True)
        assert cut.notice is not None and "-n -1 fetches all" in cut.notice


def test_send_to_spark_builds_a_scala_dataframe(scala: InteractiveShell) -> None:
    scala.user_ns["local"] = pd.DataFrame(
        {
            "n": [1, 2, 3],
            "text": ['say "hi"', "a\\b", 'end"""'],
            "when": pd.to_datetime(["2024-01-01", "2024-06-30", None]).date,
        }
    )
    scala.run_line_magic("send_to_spark", "-s sc -i local -t df -n fromLocal")
    scala.run_cell_magic("spark", "-s sc -o fromLocal", "fromLocal.count()")
    back = scala.user_ns["fromLocal"]
    assert back["n"].tolist() == [1, 2, 3] and str(back["n"].dtype) == "Int64"  # sent columns are nullable
    assert back["text"].tolist() == ['say "hi"', "a\\b", 'end"""']
    assert pd.isna(back["when"].iloc[2])
    scala.user_ns["note"] = 'line one\nline "two" ü'
    scala.run_line_magic("send_to_spark", "-s sc -i note -t str -n note")
    scala.run_cell_magic("spark", "-s sc -c sql -o echoed -q", "SELECT 1 AS one")
    assert scala.user_ns["echoed"]["one"].tolist() == [1]


def test_a_scala_error_raises_with_the_users_line(scala: InteractiveShell) -> None:
    with pytest.raises(SparkError) as info:
        scala.run_cell_magic("spark", "-s sc", "val fine = 1\nval broken = notDefinedHere * 2")
    shown = "\n".join(info.value._render_traceback_())
    assert "not found: value notDefinedHere" in shown
    assert "val broken = notDefinedHere * 2" in shown and "<console>" not in shown


def test_l_r_on_the_gateway_says_it_cannot_run_r(
    shell: InteractiveShell, gateway_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SparkError) as info:
        shell.run_line_magic("spark", f"add -s rs -l r -u {gateway_url}")
    message = str(info.value)
    assert "sparkr" in message and "400" in message
    assert "Traceback" not in message
    capsys.readouterr()
    shell.run_line_magic("spark", "info")  # the name was not kept, so it can be added again
    assert "This notebook has no sessions yet" in capsys.readouterr().out


def test_a_notebook_mixes_a_python_and_a_scala_session(
    gateway_url: str, pyspark_session: int, tmp_path: Path
) -> None:
    """sparkmagic's example notebook shape, run by nbclient: ``%spark add -l scala`` starts a Scala session
    next to a Python one, ``%%spark -s my_spark`` cells are Scala, their SQL comes back as pandas."""
    notebook = new_notebook(
        "%load_ext sparkwire.magics",
        f"%spark add -s my_py -l python -u {gateway_url} --id {pyspark_session}",
        f"%spark add -s my_spark -l scala -u {gateway_url}",
        '%%spark -s my_spark\nval total = sc.parallelize(1 to 5).reduce(_ + _)\nprintln(s"total=$total")',
        '%%spark -s my_spark\nspark.range(3).toDF("n").createOrReplaceTempView("from_scala")',
        "%%spark -s my_spark -c sql -o scala_df -q\nSELECT n, n * 10 AS tens FROM from_scala ORDER BY n",
        "%%spark -s my_py\nprint('python says', spark.range(4).count())",
        "print(str(scala_df['tens'].dtype), scala_df['tens'].tolist())",
        "%spark delete -s my_spark",
    )
    client(notebook, tmp_path).execute()
    outputs = [output_text(cell) for cell in notebook.cells]
    assert "total=15" in outputs[3]
    assert "python says 4" in outputs[6]
    assert outputs[7].strip() == "int64 [0, 10, 20]"
    assert "Deleted session" in outputs[8]


def test_a_large_send_takes_several_scala_statements(gateway_url: str, scala_session: int) -> None:
    """Past one statement's worth of base64 the text gathers in a buffer over several statements."""
    from sparkwire.engine import execute
    from sparkwire.engine.sql.send_scala import STATEMENT_CHARS, send_to_scala
    from sparkwire.engine.sql.transfer import SqlTransfer
    from sparkwire.livy import LivyClient

    frame = pd.DataFrame({"n": range(20_000), "s": [f'row {i} "quoted" ü' for i in range(20_000)]})
    with LivyClient(gateway_url) as livy:
        sent = send_to_scala(SqlTransfer(timeout=300), livy, scala_session, frame, "big")
        assert sent.payload_bytes > STATEMENT_CHARS and sent.statements == -(
            -sent.payload_bytes // STATEMENT_CHARS
        )
        check = execute(
            livy,
            scala_session,
            'println(big.count() + " " + big.filter("s LIKE \'%ü\'").count())',
            timeout=300,
        )
    assert check.ok and check.text is not None and "20000 20000" in check.text
