"""DataFrames in the Remote PySpark kernel: typed ``%%sql``, a DataFrame last expression as a table, and
``%%send_to_spark``, on the suite's shared kernel (one Spark session for all)."""

from __future__ import annotations

import pytest

from .conftest import RunningKernel

HOSTILE = 'He said "hi" \'there\' """triple""" \'\'\' back\\slash \\n not a newline\nreal newline\r\n\ttab é 中文 🎉 \x00'


@pytest.fixture
def kernel(gateway_kernel: RunningKernel) -> RunningKernel:
    return gateway_kernel


def local(kernel: RunningKernel, code: str) -> str:
    """Run a %%local cell and return the text of its result."""
    run = kernel.run("%%local\n" + code)
    assert run.status == "ok", run.reply
    return "".join(r.get("text/plain", "") for r in run.results) + run.stdout


def test_sql_o_gives_a_dataframe_with_exact_dtypes(kernel: RunningKernel) -> None:
    run = kernel.run(
        "%%sql -o typed\n"
        "SELECT CAST(id AS INT) AS n, IF(id = 1, NULL, id) AS maybe, CAST(id * 7 + 100 AS STRING) AS digits,\n"
        "       DATE_ADD(DATE'2024-02-28', CAST(id AS INT)) AS day FROM range(3)"
    )
    assert run.status == "ok", run.reply
    (bundle,) = run.results
    assert "<table" in bundle["text/html"] and "date" in bundle["text/html"]
    dtypes = local(
        kernel,
        "print(dict(typed.dtypes.astype(str)), typed['digits'].tolist(), "
        "typed['maybe'].isna().tolist(), str(typed['day'][1].date()))",
    )
    assert "'n': 'int32'" in dtypes and "'maybe': 'Int64'" in dtypes and "'digits': 'object'" in dtypes, (
        dtypes
    )
    assert "'day': 'datetime64[" in dtypes, dtypes
    assert "['100', '107', '114']" in dtypes and "[False, True, False]" in dtypes and "2024-02-29" in dtypes


def test_sql_n_truncates_with_a_notice_and_q_shows_nothing(kernel: RunningKernel) -> None:
    run = kernel.run("%%sql -n 5 -o few\nSELECT id FROM range(20)")
    assert run.status == "ok", run.reply
    assert "Showing 5 of" in run.results[0]["text/plain"]
    quiet = kernel.run("%%sql -q -o hidden -m sample -r 0.5\nSELECT id FROM range(100)")
    assert quiet.status == "ok", quiet.reply
    assert quiet.results == [] and quiet.stdout == ""
    assert local(kernel, "print(len(few), 0 < len(hidden) < 100)").strip() == "5 True"


def test_a_failing_query_is_an_error_reply_with_sparks_message(kernel: RunningKernel) -> None:
    run = kernel.run("%%sql\nSELECT * FROM no_such_table_here")
    assert run.status == "error"
    assert run.reply["ename"] == "AnalysisException"
    assert "no_such_table_here" in run.error_text
    assert "sparkwire" not in run.error_text and "Traceback" not in run.error_text


@pytest.mark.parametrize("line", ["%%sql -x", "%%sql -n many", "%%sql -m random", "%%sql -r 2"])
def test_invalid_sql_flags_give_a_usage_message(kernel: RunningKernel, line: str) -> None:
    run = kernel.run(line + "\nSELECT 1")
    assert run.status == "error" and run.reply["ename"] == "UsageError", run.reply
    assert "Traceback" not in run.error_text


def test_a_dataframe_last_expression_shows_as_a_typed_table(kernel: RunningKernel) -> None:
    run = kernel.run("print('before')\nspark.range(3).selectExpr('id', 'CAST(id AS STRING) AS label')")
    assert run.status == "ok", run.reply
    assert run.stdout == "before\n"
    (bundle,) = run.results
    html = bundle["text/html"]
    assert "<table" in html and "bigint" in html and "string" in html and "DataFrame[" not in html
    assert "DataFrame[" not in bundle["text/plain"]
    many = kernel.run("spark.range(5000)")
    assert "Showing 1,000 of" in many.results[0]["text/plain"]
    assert "-n -1" not in many.results[0]["text/plain"]  # a plain cell has no -n flag to suggest


def test_other_last_lines_behave_as_before(kernel: RunningKernel) -> None:
    assigned = kernel.run("frame = spark.range(2)")
    assert assigned.status == "ok" and assigned.results == [] and assigned.stdout == ""
    shown = kernel.run("frame.show()")
    assert "|  0|" in shown.stdout and shown.results == []
    value = kernel.run("x = 20\nx * 2 + 2")
    assert value.stdout == "42\n"
    failing = kernel.run("spark.range(2)\n1 / 0")
    assert failing.status == "error" and failing.reply["ename"] == "ZeroDivisionError"
    lazy = kernel.run("spark.sql(\"SELECT raise_error('boom from spark')\")")
    assert lazy.status == "error" and "boom from spark" in lazy.error_text


def test_send_to_spark_a_hostile_string_and_a_dataframe_round_trip(kernel: RunningKernel) -> None:
    local(
        kernel,
        f"import pandas as pd\nmessage = {HOSTILE!r}\n"
        "frame = pd.DataFrame({'n': pd.array([1, None, 3], dtype='Int64'), 'text': ['a\"b', \"c'''d\", None],"
        " 'when': pd.to_datetime(['2024-01-01', '2024-06-30', None]).date})",
    )
    sent = kernel.run("%%send_to_spark -i message -t str -n remote_message")
    assert sent.status == "ok", sent.reply
    check = kernel.run(f"print(remote_message == {HOSTILE!r}, len(remote_message))")
    assert check.stdout == f"True {len(HOSTILE)}\n", check.stdout
    df = kernel.run("%%send_to_spark -i frame -t df -n remote_frame")
    assert df.status == "ok" and "3 rows" in df.stdout, df.reply
    kernel.run("remote_frame.createOrReplaceTempView('sent_back')")
    back = kernel.run("%%sql -o again -q\nSELECT * FROM sent_back")
    assert back.status == "ok", back.reply
    seen = local(
        kernel,
        "print(dict(again.dtypes.astype(str)), again['n'].tolist(), again['text'].tolist(), "
        "[str(d.date()) for d in again['when'].dropna()], again['when'].isna().tolist())",
    )
    assert "'n': 'Int64'" in seen and "'text': 'object'" in seen and "'when': 'datetime64[" in seen, seen
    assert "[1, <NA>, 3]" in seen and "['a\"b', \"c'''d\", None]" in seen, seen
    assert "['2024-01-01', '2024-06-30'] [False, False, True]" in seen, seen


def test_send_to_spark_usage_errors(kernel: RunningKernel) -> None:
    missing = kernel.run("%%send_to_spark -i nowhere_at_all -n x")
    assert missing.reply["ename"] == "UsageError" and "nowhere_at_all" in missing.error_text
    local(kernel, "number = 5")
    wrong = kernel.run("%%send_to_spark -i number -t df -n x")
    assert wrong.reply["ename"] == "UsageError" and "pandas DataFrame" in wrong.error_text
    no_name = kernel.run("%%send_to_spark -i number")
    assert no_name.reply["ename"] == "UsageError"
