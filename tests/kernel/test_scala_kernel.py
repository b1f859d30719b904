"""The "Remote Spark (Scala)" kernel on the gateway's real Scala REPL: jupyter_kernel_test's protocol
suite, then ``%%sql`` into typed pandas, ``%%spark -o``, ``%%send_to_spark``, errors and interrupt.

One kernel (one Scala session, one JVM) for the module.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import jupyter_kernel_test as jkt
import pytest
import requests

from .conftest import RunningKernel, kernel_environment, start_kernel

# Four tasks sleeping a minute each: long enough to interrupt, and a cancel must stop them.
LONG_JOB = "sc.parallelize(1 to 4, 4).map { x => Thread.sleep(60000); x }.count()"


@pytest.fixture(scope="module")
def scala_kernel(
    kernel_dirs: list[str], gateway_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningKernel]:
    running = start_kernel(
        kernel_dirs,
        kernel_environment(tmp_path_factory.mktemp("home"), SPARKWIRE_URL=gateway_url),
        kernel_name="remote-spark-scala",
    )
    try:
        first = running.run(
            'val greeting = "hello"'
        )  # starts the session: the suite's timeout is 15 s a message
        assert first.status == "ok", first.reply
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="class")
def _kernel_for_class(request: pytest.FixtureRequest, scala_kernel: RunningKernel) -> None:
    request.cls.km, request.cls.kc = scala_kernel.km, scala_kernel.kc


@pytest.mark.usefixtures("_kernel_for_class")
class TestRemoteScalaProtocol(jkt.KernelTests):
    kernel_name = "remote-spark-scala"
    language_name = "scala"
    file_extension = ".scala"

    code_hello_world = 'println("hello, world")'
    # An error with no statement: any statement may take long enough on a busy machine for the progress
    # line to show, and this suite wants the error as the only output (Scala errors are tested below).
    code_generate_error = "%%sql"
    code_execute_result: list[dict[str, Any]] = [  # noqa: RUF012 - the suite's own attribute style
        {"code": "%%local\n6 * 7", "result": "42"},
    ]
    code_display_data: list[dict[str, Any]] = [  # noqa: RUF012
        {"code": "%%help", "mime": "text/html"},
    ]
    completion_samples: list[dict[str, Any]] = [  # noqa: RUF012
        {"text": "spark.ra", "matches": {"spark.range"}},
    ]
    complete_code_samples = ["1", 'println("hello, world")', "val f = (x: Int) => x * 2"]  # noqa: RUF012
    incomplete_code_samples = ["val xs = Seq(1,", "def f(x: Int) = {\n  x * 2"]  # noqa: RUF012
    invalid_code_samples = ["val x = (1))"]  # noqa: RUF012
    code_inspect_sample = ""  # inspection is local Python's: Scala names are not found there

    @classmethod
    def setUpClass(cls) -> None:
        """The kernel comes from the fixture above (the suite would start a default one)."""

    @classmethod
    def tearDownClass(cls) -> None:
        """The fixture's owner stops the kernel."""


def session_id_of(kernel: RunningKernel) -> int:
    run = kernel.run("%%info")
    line = next(line for line in run.stdout.splitlines() if line.startswith("This notebook's session: "))
    return int(line.split(": ")[1].split(",")[0])


def test_scala_cells_share_values_and_print(scala_kernel: RunningKernel) -> None:
    run = scala_kernel.run('val n = spark.range(10).count()\nprintln(s"$greeting: $n rows")')
    assert run.status == "ok", run.reply
    assert "hello: 10 rows" in run.stdout


def test_sql_cell_gives_typed_pandas(scala_kernel: RunningKernel) -> None:
    made = scala_kernel.run(
        'spark.range(3).selectExpr("id", "id * 1.5D AS x", "CAST(id AS STRING) AS s", '
        '"DATE\'2024-01-02\' + CAST(id AS INT) AS d").createOrReplaceTempView("scala_t")'
    )
    assert made.status == "ok", made.reply
    run = scala_kernel.run("%%sql -o local_t\nSELECT * FROM scala_t ORDER BY id")
    assert run.status == "ok", run.reply
    assert any("text/html" in data for data in run.results)
    check = scala_kernel.run(
        "%%local\nprint({c: str(t) for c, t in local_t.dtypes.items()}, local_t['x'].tolist(), "
        "local_t['d'].iloc[2])"
    )
    assert check.stdout.strip() == (
        "{'id': 'int64', 'x': 'float64', 's': 'object', 'd': 'datetime64[s]'} "
        "[0.0, 1.5, 3.0] 2024-01-04 00:00:00"
    )


def test_sql_n_all_brings_every_row_typed(scala_kernel: RunningKernel) -> None:
    """Past the SQL interpreter's 1,000 rows: on the gateway ``%%sql`` runs the Python Arrow transfer beside
    the Scala REPL, so all 5,500 rows arrive, with microsecond timestamps, decimals and nulls typed."""
    run = scala_kernel.run(
        "%%sql -o big -q -n -1\n"
        "SELECT id, id / 4.0D AS q, CAST(id / 8 AS DECIMAL(10,2)) AS dec, "
        "timestamp_micros(id * 1000001) AS ts, DATE'2024-01-01' + CAST(id % 366 AS INT) AS d, "
        "CASE WHEN id % 2 = 0 THEN NULL ELSE id END AS odd FROM range(5500)"
    )
    assert run.status == "ok", run.reply
    check = scala_kernel.run(
        "%%local\nprint(len(big), [str(t).split(',')[0] for t in big.dtypes], big['ts'].iloc[1].microsecond, "
        "big['dec'].iloc[-1], big['odd'].isna().sum())"
    )
    assert check.stdout.strip() == (
        "5500 ['int64', 'float64', 'object', 'datetime64[us', 'datetime64[s]', 'Int64'] 1 687.38 2750"
    )


def test_spark_o_and_send_to_spark_round_trip(scala_kernel: RunningKernel) -> None:
    out = scala_kernel.run('%%spark -o evens\nval evens = spark.range(6).filter("id % 2 = 0")')
    assert out.status == "ok", out.reply
    sent = scala_kernel.run(
        "%%local\nimport pandas as pd\n"
        "local_pd = pd.DataFrame({'k': [1, 2], 'v': ['a \"\"\" b', 'ü\\n'], 'f': [0.5, None]})\n"
        "print(evens['id'].tolist())"
    )
    assert sent.stdout == "[0, 2, 4]\n"
    send = scala_kernel.run("%%send_to_spark -i local_pd -t df -n from_local")
    assert send.status == "ok", send.reply
    back = scala_kernel.run('from_local.createOrReplaceTempView("from_local")')
    assert back.status == "ok", back.reply
    scala_kernel.run("%%sql -o again -q\nSELECT * FROM from_local ORDER BY k")
    check = scala_kernel.run("%%local\nprint(again.to_dict('list'), str(again['k'].dtype))")
    assert (
        check.stdout == "{'k': [1, 2], 'v': ['a \"\"\" b', 'ü\\n'], 'f': [0.5, nan]} Int64\n"
    )  # nullable, as from a Python session


def test_a_compile_error_shows_the_users_line(scala_kernel: RunningKernel) -> None:
    run = scala_kernel.run("val a = 1\nval b = undefinedName + 1")
    assert run.status == "error"
    text = run.error_text
    assert "not found: value undefinedName" in text
    assert "val b = undefinedName + 1" in text
    assert "<console>" not in text and "Traceback" not in text


def test_completion_uses_the_scala_repl(scala_kernel: RunningKernel) -> None:
    reply = scala_kernel.complete("greeting.toUpp")
    assert "greeting.toUpperCase" in reply["matches"]


def test_interrupt_cancels_the_remote_scala_job(scala_kernel: RunningKernel, gateway_url: str) -> None:
    session_id = session_id_of(scala_kernel)
    timer = threading.Timer(4.0, scala_kernel.km.interrupt_kernel)
    timer.start()
    started = time.monotonic()
    try:
        run = scala_kernel.run(LONG_JOB, timeout=90)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 40  # not the job's 60 s
    assert run.status == "error" and run.reply["ename"] == "KeyboardInterrupt"
    statements = requests.get(f"{gateway_url}/sessions/{session_id}/statements", timeout=10).json()[
        "statements"
    ]
    assert statements[-1]["state"] == "cancelled"
    after = scala_kernel.run("println(greeting)")
    assert after.status == "ok" and after.stdout == "hello\n"
