"""Scala statements on the gateway: Spark's own Scala REPL in the session's JVM, over HTTP.

The REPL's echo differs between Scala 2.13 (Spark 4: ``val x: Int = 1``) and 2.12 (Spark 3.5:
``x: Int = 1``); the assertions hold for both, so ``make test-spark35`` can run this file too.

One ``spark`` session serves most tests (each start is a Spark start plus a compiler start); the
shared-kind tests use the run's shared session, whose Scala REPL starts on its first Scala statement.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from sparkwire.gateway.worker.scala import WARM_UP_COMPILES
from tests.support.livy_http import HEADERS, create_session, run, submit, wait_session, wait_statement


@pytest.fixture(scope="module")
def scala_session(gateway_url: str) -> Iterator[int]:
    session = create_session(gateway_url, {"kind": "spark", "name": "scala-tests"})
    assert session["kind"] == "spark"
    try:
        wait_session(gateway_url, session["id"], timeout=300)
        yield int(session["id"])
    finally:
        requests.delete(f"{gateway_url}/sessions/{session['id']}", headers=HEADERS, timeout=60)


def _text(statement: dict[str, object]) -> str:
    output = statement["output"]
    assert isinstance(output, dict) and output["status"] == "ok", output
    text = output["data"]["text/plain"]
    assert isinstance(text, str)
    return text


def test_values_are_echoed_and_persist(gateway_url: str, scala_session: int) -> None:
    assert _text(run(gateway_url, scala_session, "val x = 20")).endswith("x: Int = 20")
    assert _text(run(gateway_url, scala_session, "x + 22")).endswith(": Int = 42")
    assert "spark.sql.SparkSession" in _text(run(gateway_url, scala_session, "spark"))


def test_multi_line_definitions(gateway_url: str, scala_session: int) -> None:
    code = "case class Point(x: Int, y: Int) {\n  def norm2: Int = x * x + y * y\n}\ndef far(p: Point) = p.norm2 > 10\n"
    text = _text(run(gateway_url, scala_session, code))
    assert "class Point" in text and "far" in text and "Boolean" in text
    assert _text(run(gateway_url, scala_session, "far(Point(3, 4))")).endswith("Boolean = true")


def test_println_comes_before_the_value(gateway_url: str, scala_session: int) -> None:
    text = _text(run(gateway_url, scala_session, 'println("hello from scala"); 1 + 1'))
    first, second = text.split("\n")
    assert (
        first == "hello from scala" and second.startswith(("val res", "res")) and second.endswith(": Int = 2")
    )


def test_compile_error_names_message_and_position(gateway_url: str, scala_session: int) -> None:
    output = run(gateway_url, scala_session, "val ok = 1\nval bad = ok +\n  undefinedName")["output"]
    assert output["status"] == "error" and output["ename"] == "Error"
    assert output["evalue"] == "<console>:3:3: error: not found: value undefinedName"
    assert any("undefinedName" in line for line in output["traceback"])
    mismatch = run(gateway_url, scala_session, 'val n: Int = "text"')["output"]
    assert mismatch["evalue"].startswith("<console>:1:14: error: type mismatch;")
    assert "required: Int" in mismatch["evalue"]


def test_incomplete_statement_is_an_error(gateway_url: str, scala_session: int) -> None:
    output = run(gateway_url, scala_session, "def f(a: Int")["output"]
    assert output["status"] == "error" and output["ename"] == "Error"
    assert output["evalue"].startswith("Incomplete statement")


def test_runtime_exception_has_class_message_and_stack(gateway_url: str, scala_session: int) -> None:
    output = run(gateway_url, scala_session, 'println("before"); throw new IllegalStateException("boom")')[
        "output"
    ]
    assert output["status"] == "error"
    assert output["ename"] == "java.lang.IllegalStateException" and output["evalue"] == "boom"
    assert output["traceback"][0] == "java.lang.IllegalStateException: boom\n"
    again = run(gateway_url, scala_session, 'throw new RuntimeException("again")')["output"]
    assert again["ename"] == "java.lang.RuntimeException" and again["evalue"] == "again"
    assert _text(run(gateway_url, scala_session, '"after"')).endswith("String = after")


def test_closures_defined_in_the_repl_run_on_executors(gateway_url: str, scala_session: int) -> None:
    statement = run(
        gateway_url, scala_session, "val factor = 2\nsc.parallelize(1 to 10).map(x => x * factor).collect()"
    )
    assert _text(statement).endswith("Array[Int] = Array(2, 4, 6, 8, 10, 12, 14, 16, 18, 20)")
    assert statement["progress"] == 1.0


def test_cancel_of_a_long_scala_job(gateway_url: str, scala_session: int) -> None:
    statement = submit(
        gateway_url, scala_session, "sc.parallelize(1 to 4, 4).map { x => Thread.sleep(60000); x }.collect()"
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # cancel once its job runs, so the job group is what stops it
        jobs = requests.get(
            f"{gateway_url}/sessions/{scala_session}/statements/{statement['id']}/jobs", timeout=10
        )
        if jobs.status_code == 200 and jobs.json().get("jobs"):
            break
        time.sleep(0.2)
    reply = requests.post(
        f"{gateway_url}/sessions/{scala_session}/statements/{statement['id']}/cancel",
        headers=HEADERS,
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    assert wait_statement(gateway_url, scala_session, statement["id"], timeout=40)["state"] == "cancelled"
    assert _text(run(gateway_url, scala_session, "sc.parallelize(1 to 3).count()")).endswith("Long = 3")


def test_cancel_interrupts_a_driver_side_sleep(gateway_url: str, scala_session: int) -> None:
    statement = submit(gateway_url, scala_session, "Thread.sleep(120000); 1")
    time.sleep(3)
    requests.post(
        f"{gateway_url}/sessions/{scala_session}/statements/{statement['id']}/cancel",
        headers=HEADERS,
        timeout=10,
    )
    assert wait_statement(gateway_url, scala_session, statement["id"], timeout=40)["state"] == "cancelled"
    assert _text(run(gateway_url, scala_session, "Thread.currentThread.isInterrupted")).endswith("= false")


def test_completion(gateway_url: str, scala_session: int) -> None:
    run(gateway_url, scala_session, "val completionTarget = List(1, 2, 3)")
    reply = requests.post(
        f"{gateway_url}/sessions/{scala_session}/completion",
        json={"code": "completionTarget.he", "kind": "spark", "cursor": 19},
        headers=HEADERS,
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    assert "head" in reply.json()["candidates"] and "headOption" in reply.json()["candidates"]
    reply = requests.post(
        f"{gateway_url}/sessions/{scala_session}/completion",
        json={"code": "sc.paralle", "cursor": 10},
        headers=HEADERS,
        timeout=60,
    )
    assert reply.json()["candidates"] == ["parallelize"]


def test_python_statements_run_in_a_scala_session_too(gateway_url: str, scala_session: int) -> None:
    run(gateway_url, scala_session, 'spark.range(5).createOrReplaceTempView("scala_side")')
    assert _text(run(gateway_url, scala_session, "spark.table('scala_side').count()", kind="pyspark")) == "5"


def test_temp_views_are_shared_across_languages(gateway_url: str, shared_session: int) -> None:
    made = run(
        gateway_url,
        shared_session,
        'Seq((1, "a"), (2, "b")).toDF("n", "s").createOrReplaceTempView("from_scala")',
        kind="spark",
    )
    assert made["output"]["status"] == "ok", made["output"]
    rows = run(
        gateway_url,
        shared_session,
        "sorted(r.s for r in spark.table('from_scala').collect())",
        kind="pyspark",
    )
    assert _text(rows) == "['a', 'b']"
    sql = run(gateway_url, shared_session, "SELECT sum(n) AS total FROM from_scala", kind="sql")["output"]
    assert sql["data"]["application/json"]["data"] == [[3]]
    run(gateway_url, shared_session, "spark.range(3).createOrReplaceTempView('from_python')", kind="pyspark")
    assert _text(
        run(gateway_url, shared_session, 'spark.table("from_python").count()', kind="spark")
    ).endswith("Long = 3")


def test_sparkr_is_refused_naming_what_is_missing(gateway_url: str) -> None:
    reply = requests.post(f"{gateway_url}/sessions", json={"kind": "sparkr"}, headers=HEADERS, timeout=10)
    assert reply.status_code == 400
    message = reply.json()["msg"]
    assert "Rscript not found on PATH" in message and "SparkR package not found" in message


def test_version_lists_the_kinds_it_runs(gateway_url: str) -> None:
    version = requests.get(f"{gateway_url}/version", timeout=10).json()
    assert version["kinds"] == ["pyspark", "sql", "shared", "spark"]


def test_json_and_table_magics(gateway_url: str, scala_session: int) -> None:
    statement = run(
        gateway_url,
        scala_session,
        'case class Sale(item: String, qty: Int)\nval sales = Seq(Sale("tea", 2), Sale("jam", 1))\n%table sales',
    )
    data = statement["output"]["data"]
    assert data["application/vnd.livy.table.v1+json"] == {
        "headers": [{"name": "item", "type": "STRING_TYPE"}, {"name": "qty", "type": "INT_TYPE"}],
        "data": [["tea", 2], ["jam", 1]],
    }
    assert "sales: Seq[Sale]" in data["text/plain"]
    assert run(gateway_url, scala_session, "%json sales")["output"]["data"] == {
        "application/json": [{"item": "tea", "qty": 2}, {"item": "jam", "qty": 1}]
    }
    missing = run(gateway_url, scala_session, "%json noSuchValue")["output"]
    assert missing["status"] == "error" and missing["ename"] == "KeyError"
    unknown = run(gateway_url, scala_session, "%plot sales")["output"]
    assert unknown["ename"] == "UnknownMagic"


def test_warm_up_is_invisible(gateway_url: str) -> None:
    """A ``spark`` session compiles warm-up lines after its start: the user still sees ``spark`` and ``sc``, their
    first value is ``res0`` and the warm-up's names are not theirs."""
    session_id = int(create_session(gateway_url, {"kind": "spark", "name": "scala-warm-up"})["id"])
    try:
        wait_session(gateway_url, session_id, timeout=300)
        deadline = time.monotonic() + 300
        log: list[str] = []
        while time.monotonic() < deadline and not any("Scala warm-up ran" in line for line in log):
            time.sleep(0.5)
            log = requests.get(
                f"{gateway_url}/sessions/{session_id}/log", params={"size": 200}, timeout=10
            ).json()["log"]
        assert any(f"Scala warm-up ran {WARM_UP_COMPILES} lines" in line for line in log), log[-20:]
        assert _text(run(gateway_url, session_id, "1 + 1")).endswith("res0: Int = 2")
        assert _text(run(gateway_url, session_id, "sc.parallelize(1 to 4).map(_ * 3).sum()")).endswith(
            "= 30.0"
        )
        assert _text(run(gateway_url, session_id, "spark.range(5).count()")).endswith("= 5")
        hidden = run(gateway_url, session_id, "SparkwireWarmUp")["output"]
        assert hidden["status"] == "error" and "not found" in hidden["evalue"], hidden
    finally:
        requests.delete(f"{gateway_url}/sessions/{session_id}", headers=HEADERS, timeout=60)
