"""Statements over HTTP: Livy's REPL behaviour, SQL, shared sessions, ordering, progress and cancel."""

from __future__ import annotations

import textwrap
import time

import requests

from tests.support.livy_http import HEADERS, cancel, run, submit, wait_statement

PI_EXAMPLE = textwrap.dedent("""
    import random
    NUM_SAMPLES = 100000
    def sample(p):
        x, y = random.random(), random.random()
        return 1 if x*x + y*y < 1 else 0
    count = sc.parallelize(range(0, NUM_SAMPLES)).map(sample).reduce(lambda a, b: a + b)
    print("Pi is roughly %f" % (4.0 * count / NUM_SAMPLES))
""")

STATEMENT_KEYS = {"id", "code", "state", "output", "progress", "started", "completed"}


def test_seed_pi_example(gateway_url: str, pyspark_session: int) -> None:
    statement = run(gateway_url, pyspark_session, PI_EXAMPLE)
    assert set(statement) == STATEMENT_KEYS
    assert statement["state"] == "available" and statement["progress"] == 1.0
    output = statement["output"]
    assert output["status"] == "ok" and output["execution_count"] == statement["id"]
    text = output["data"]["text/plain"]
    assert text.startswith("Pi is roughly 3.1"), text
    assert 0 < statement["started"] <= statement["completed"]


def test_last_expression_and_variables_persist(gateway_url: str, pyspark_session: int) -> None:
    run(gateway_url, pyspark_session, "x = 20")
    statement = run(gateway_url, pyspark_session, "x + 22")
    assert statement["output"]["data"] == {"text/plain": "42"}


def test_error_output_has_user_traceback_and_session_survives(gateway_url: str, pyspark_session: int) -> None:
    statement = run(gateway_url, pyspark_session, "print('before')\n1 / 0")
    assert statement["state"] == "available"
    output = statement["output"]
    assert output["status"] == "error"
    assert output["ename"] == "ZeroDivisionError" and "division by zero" in output["evalue"]
    assert output["traceback"] and not any("sparkwire" in line for line in output["traceback"])
    after = run(gateway_url, pyspark_session, "print('after')")
    assert after["output"]["data"]["text/plain"] == "after"  # nothing leaked from the failed statement


def test_spark_errors_come_back_as_errors(gateway_url: str, pyspark_session: int) -> None:
    statement = run(gateway_url, pyspark_session, "spark.sql('SELECT * FROM no_such_table').collect()")
    assert statement["output"]["status"] == "error"
    assert "no_such_table" in statement["output"]["evalue"].lower()


def test_json_table_and_matplot_magics(gateway_url: str, pyspark_session: int) -> None:
    run(gateway_url, pyspark_session, "rows = [[1, 'a'], [2, 'b']]\nd = {'k': [1, 2]}")
    assert run(gateway_url, pyspark_session, "%json d")["output"]["data"]["application/json"] == {"k": [1, 2]}
    table = run(gateway_url, pyspark_session, "%table rows")["output"]["data"][
        "application/vnd.livy.table.v1+json"
    ]
    assert table["data"] == [[1, "a"], [2, "b"]]
    assert [h["type"] for h in table["headers"]] == ["INT_TYPE", "STRING_TYPE"]
    image = run(
        gateway_url, pyspark_session, "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\n%matplot plt"
    )["output"]["data"]
    assert image["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature


def test_sql_kind_on_shared_session_sees_python_views(gateway_url: str, shared_session: int) -> None:
    created = run(
        gateway_url,
        shared_session,
        "spark.createDataFrame([(1, 'one'), (2, 'two')], 'n INT, word STRING')"
        ".createOrReplaceTempView('numbers')",
        kind="pyspark",
    )
    assert created["output"]["status"] == "ok", created
    result = run(gateway_url, shared_session, "SELECT n, word FROM numbers ORDER BY n", kind="sql")
    body = result["output"]["data"]["application/json"]
    assert [f["name"] for f in body["schema"]["fields"]] == ["n", "word"]
    assert body["data"] == [[1, "one"], [2, "two"]]
    failed = run(gateway_url, shared_session, "SELEC oops", kind="sql")
    assert failed["output"]["status"] == "error" and failed["output"]["evalue"]


def test_statements_run_in_order_and_queue_as_waiting(gateway_url: str, pyspark_session: int) -> None:
    first = submit(gateway_url, pyspark_session, "import time\ntime.sleep(1.5)\norder = ['first']")
    second = submit(gateway_url, pyspark_session, "order.append('second')\norder")
    assert second["state"] == "waiting"
    listing = requests.get(f"{gateway_url}/sessions/{pyspark_session}/statements", timeout=10).json()
    assert {first["id"], second["id"]} <= {s["id"] for s in listing["statements"]}
    done = wait_statement(gateway_url, pyspark_session, second["id"])
    assert done["output"]["data"]["text/plain"] == "['first', 'second']"
    assert wait_statement(gateway_url, pyspark_session, first["id"])["completed"] <= done["started"]


def test_progress_rises_while_a_job_runs(gateway_url: str, pyspark_session: int) -> None:
    code = "sc.parallelize(range(8), 8).map(lambda x: __import__('time').sleep(0.6) or x).count()"
    statement = submit(gateway_url, pyspark_session, code)
    seen = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        current = requests.get(
            f"{gateway_url}/sessions/{pyspark_session}/statements/{statement['id']}", timeout=10
        ).json()
        seen.add(current["progress"])
        if current["state"] == "available":
            break
        time.sleep(0.1)
    assert current["output"]["data"]["text/plain"] == "8"
    assert any(0 < p < 1 for p in seen), seen


def test_cancel_stops_a_long_job_and_the_session_stays_usable(gateway_url: str, pyspark_session: int) -> None:
    code = "sc.parallelize(range(2), 2).map(lambda x: __import__('time').sleep(120) or x).count()"
    statement = submit(gateway_url, pyspark_session, code)
    waiting = submit(gateway_url, pyspark_session, "'still here'")
    time.sleep(2.5)
    started = time.monotonic()
    reply = cancel(gateway_url, pyspark_session, statement["id"])
    assert reply == {"msg": "canceled"}
    done = wait_statement(gateway_url, pyspark_session, statement["id"], timeout=60)
    assert done["state"] == "cancelled"
    assert time.monotonic() - started < 30
    assert (
        wait_statement(gateway_url, pyspark_session, waiting["id"])["output"]["data"]["text/plain"]
        == "'still here'"
    )


def test_cancel_interrupts_pure_python_work(gateway_url: str, pyspark_session: int) -> None:
    statement = submit(gateway_url, pyspark_session, "import time\nwhile True:\n    time.sleep(0.5)")
    time.sleep(1.0)
    cancel(gateway_url, pyspark_session, statement["id"])
    assert wait_statement(gateway_url, pyspark_session, statement["id"], timeout=30)["state"] == "cancelled"
    assert run(gateway_url, pyspark_session, "1 + 1")["output"]["data"]["text/plain"] == "2"


def test_cancel_of_a_waiting_statement(gateway_url: str, pyspark_session: int) -> None:
    blocker = submit(gateway_url, pyspark_session, "import time\ntime.sleep(1)")
    queued = submit(gateway_url, pyspark_session, "ran = True")
    cancel(gateway_url, pyspark_session, queued["id"])
    assert wait_statement(gateway_url, pyspark_session, queued["id"])["state"] == "cancelled"
    wait_statement(gateway_url, pyspark_session, blocker["id"])
    assert "NameError" in run(gateway_url, pyspark_session, "ran")["output"]["ename"]


def test_each_statement_runs_in_its_own_job_group(gateway_url: str, pyspark_session: int) -> None:
    """Cancel and the jobs view find a statement's Spark jobs by its job group, which the session process
    sets ahead for the likely next statement: each must still run in its own, also after user code set
    another group and after an id that never ran (a statement cancelled while waiting)."""
    group = "sc.getLocalProperty('spark.jobGroup.id')"
    first = run(gateway_url, pyspark_session, group)
    assert first["output"]["data"]["text/plain"] == f"'sparkwire-stmt-{first['id']}'"
    run(gateway_url, pyspark_session, "sc.setJobGroup('mine', 'a group of my own')")
    after = run(gateway_url, pyspark_session, group)
    assert after["output"]["data"]["text/plain"] == f"'sparkwire-stmt-{after['id']}'"
    blocker = submit(gateway_url, pyspark_session, "import time\ntime.sleep(1)")
    skipped = submit(gateway_url, pyspark_session, "1")
    cancel(gateway_url, pyspark_session, skipped["id"])
    wait_statement(gateway_url, pyspark_session, blocker["id"])
    last = run(gateway_url, pyspark_session, group)
    assert last["id"] == skipped["id"] + 1
    assert last["output"]["data"]["text/plain"] == f"'sparkwire-stmt-{last['id']}'"


def test_a_quick_job_is_in_the_jobs_view_once_its_statement_is_available(
    gateway_url: str, pyspark_session: int
) -> None:
    """A job too quick for a progress report still shows: the session looks a statement's jobs up once
    more before its result, skipping that only when Spark submitted no job at all while it ran."""
    jobs_of = f"{gateway_url}/sessions/{pyspark_session}/statements/{{}}/jobs"
    for _ in range(3):
        counted = run(gateway_url, pyspark_session, "sc.parallelize(range(4), 2).count()")
        assert counted["output"]["data"]["text/plain"] == "4"
        view = requests.get(jobs_of.format(counted["id"]), timeout=10).json()
        assert [job["status"] for job in view["jobs"]] == ["SUCCEEDED"], view
        quiet = run(gateway_url, pyspark_session, "1 + 1")
        assert requests.get(jobs_of.format(quiet["id"]), timeout=10).json()["jobs"] == []


def test_completion_from_the_live_namespace(gateway_url: str, pyspark_session: int) -> None:
    run(gateway_url, pyspark_session, "my_special_variable = 1")
    reply = requests.post(
        f"{gateway_url}/sessions/{pyspark_session}/completion",
        json={"code": "my_spec", "kind": "pyspark", "cursor": 7},
        headers=HEADERS,
        timeout=10,
    )
    assert "my_special_variable" in reply.json()["candidates"]
    reply = requests.post(
        f"{gateway_url}/sessions/{pyspark_session}/completion",
        json={"code": "spark.ran", "kind": "pyspark", "cursor": 9},
        headers=HEADERS,
        timeout=10,
    )
    assert any(c.endswith("range") for c in reply.json()["candidates"])


def test_huge_output_is_refused_without_losing_the_session(gateway_url: str, pyspark_session: int) -> None:
    statement = run(gateway_url, pyspark_session, "keep = 7\nprint('x' * (80 * 1024 * 1024))")
    assert statement["output"]["status"] == "error"
    assert statement["output"]["ename"] == "OutputTooLarge"
    assert "MB" in statement["output"]["evalue"]
    assert run(gateway_url, pyspark_session, "keep")["output"]["data"]["text/plain"] == "7"


def test_cancel_right_after_submit_is_not_lost(gateway_url: str, pyspark_session: int) -> None:
    """The cancel can reach the session process before the statement does; it must still win."""
    for _ in range(3):
        statement = submit(gateway_url, pyspark_session, "import time\ntime.sleep(30)")
        cancel(gateway_url, pyspark_session, statement["id"])
        started = time.monotonic()
        assert (
            wait_statement(gateway_url, pyspark_session, statement["id"], timeout=60)["state"] == "cancelled"
        )
        assert time.monotonic() - started < 10
    assert run(gateway_url, pyspark_session, "'usable'")["output"]["data"]["text/plain"] == "'usable'"
