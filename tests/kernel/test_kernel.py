"""One Remote PySpark kernel against the real gateway, driven cell by cell with jupyter_client.

The tests share the kernel (each Spark session costs a JVM start) and run in file order: the first
starts the session, the killed-session test replaces it, the last shuts the kernel down.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import requests

from .conftest import RunningKernel, kernel_environment, start_kernel

LONG_JOB = "sc.parallelize(range(4), 4).map(lambda x: __import__('time').sleep(60) or x).count()"
HEADERS = {"X-Requested-By": "tests"}


@pytest.fixture(scope="module")
def kernel(
    kernel_dirs: list[str], gateway_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningKernel]:
    running = start_kernel(
        kernel_dirs, kernel_environment(tmp_path_factory.mktemp("home"), SPARKWIRE_URL=gateway_url)
    )
    try:
        yield running
    finally:
        running.stop()


def session_id_of(kernel: RunningKernel) -> int:
    run = kernel.run("%%info")
    line = next(line for line in run.stdout.splitlines() if line.startswith("This notebook's session: "))
    return int(line.split(": ")[1].split(",")[0])


def test_first_cell_starts_the_session_and_shows_it(kernel: RunningKernel, gateway_url: str) -> None:
    started = time.monotonic()
    run = kernel.run("greeting = 'hello'\nprint(greeting)")
    assert run.status == "ok", run.reply
    assert run.stdout == "hello\n"
    displays = run.of_type("display_data") + run.of_type("update_display_data")
    texts = [d["data"].get("text/plain", "") for d in displays]
    assert texts[0] == f"Creating a Spark session on {gateway_url}…"
    assert any("starting, " in text for text in texts)
    assert texts[-1].startswith("Spark session ") and " is ready on " in texts[-1]
    assert time.monotonic() - started < 90


def test_cells_render_by_mime_type(kernel: RunningKernel) -> None:
    value = kernel.run("n = 6 * 7\n%json n")
    assert value.of_type("execute_result")[0]["data"] == {"application/json": 42, "text/plain": "42"}
    table = kernel.run("rows = [[1, 'a'], [2, None]]\n%table rows")
    (bundle,) = table.results
    assert "<table" in bundle["text/html"] and "null" in bundle["text/html"]
    sql = kernel.run("%%sql -o local_df\nSELECT id, id * 2 AS twice FROM range(3)")
    assert sql.status == "ok", sql.reply
    assert "twice" in sql.results[0]["text/plain"]
    local = kernel.run("%%local\nprint(list(local_df.columns), len(local_df))")
    assert local.stdout == "['id', 'twice'] 3\n"
    figure = kernel.run(
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "plt.plot([1, 3, 2])\n%matplot plt"
    )
    assert figure.status == "ok", figure.reply
    assert figure.results[-1]["image/png"].startswith("iVBOR")


def test_remote_error_fails_the_cell_with_its_traceback(kernel: RunningKernel) -> None:
    run = kernel.run("def boom():\n    raise ValueError('remote failure')\nboom()")
    assert run.status == "error"
    assert (run.reply["ename"], run.reply["evalue"]) == ("ValueError", "remote failure")
    assert run.error_text.splitlines()[-1] == "ValueError: remote failure"


def test_completion_comes_from_the_remote_session(kernel: RunningKernel) -> None:
    kernel.run("my_remote_variable = 1")
    reply = kernel.complete("x = my_remote_va")
    assert reply["matches"] == ["my_remote_variable"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (4, 16)
    assert "spark.range" in kernel.complete("spark.ra")["matches"]
    assert kernel.complete("%%co")["matches"] == ["%%configure"]
    assert kernel.is_complete("for i in range(3):") == "incomplete"
    assert kernel.is_complete("x = 1") == "complete"
    assert kernel.is_complete("%%sql\nSELECT 1") == "complete"


def test_info_and_logs(kernel: RunningKernel, gateway_url: str) -> None:
    session_id = session_id_of(kernel)
    info = kernel.run("%%info")
    table = info.results[-1]["text/plain"]
    assert f"Sessions on {gateway_url}" in table
    assert any(line.startswith("* | " + str(session_id)) for line in table.splitlines())
    logs = kernel.run("%%logs -n 5")
    assert logs.status == "ok" and logs.stdout.startswith(f"Session {session_id} log")
    busy = kernel.run('%%configure\n{"driverMemory": "1g"}')
    assert busy.status == "error" and "Use %%configure -f" in busy.error_text


def test_interrupt_cancels_the_remote_job_and_the_session_survives(
    kernel: RunningKernel, gateway_url: str
) -> None:
    session_id = session_id_of(kernel)
    timer = threading.Timer(3.0, kernel.km.interrupt_kernel)
    timer.start()
    started = time.monotonic()
    try:
        run = kernel.run(LONG_JOB, timeout=60)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 15  # not the job's 60 s
    assert run.status == "error" and run.reply["ename"] == "KeyboardInterrupt"
    assert "was cancelled along with its Spark jobs" in run.error_text
    statements = requests.get(f"{gateway_url}/sessions/{session_id}/statements", timeout=10).json()[
        "statements"
    ]
    assert statements[-1]["state"] == "cancelled"
    after = kernel.run("print(greeting)")
    assert after.status == "ok" and after.stdout == "hello\n"
    assert session_id_of(kernel) == session_id


def test_session_killed_behind_the_kernels_back(kernel: RunningKernel, gateway_url: str) -> None:
    old = session_id_of(kernel)
    assert requests.delete(f"{gateway_url}/sessions/{old}", headers=HEADERS, timeout=30).status_code == 200
    lost = kernel.run("print(greeting)")
    assert lost.status == "error" and lost.reply["ename"] == "SessionLost"
    assert f"Session {old} on {gateway_url} no longer exists" in lost.error_text
    assert "run the cell again to start a new session" in lost.error_text
    assert "Traceback" not in lost.error_text
    # Settings for the next session apply without -f: the lost one is already forgotten.
    configure = kernel.run('%%configure\n{"conf": {"spark.sql.shuffle.partitions": "3"}}')
    assert configure.status == "ok", configure.reply
    again = kernel.run("print(spark.conf.get('spark.sql.shuffle.partitions'))")
    assert again.status == "ok" and again.stdout == "3\n"
    assert session_id_of(kernel) != old


def test_the_live_view_is_a_widget_once_a_widget_frontend_connects(kernel: RunningKernel) -> None:
    # What JupyterLab's widget manager does when it connects to a kernel.
    opening = kernel.kc.session.msg(
        "comm_open",
        {"comm_id": uuid.uuid4().hex, "data": {}, "target_name": "jupyter.widget.control"},
        metadata={"version": "1.0.0"},
    )
    kernel.kc.shell_channel.send(opening)
    assert kernel.run("1").status == "ok"  # the session is up (its start view is another display)
    run = kernel.run(
        "import time\ntime.sleep(1.5)\nsc.parallelize(range(4), 2).map(lambda x: time.sleep(0.5)).count()"
    )
    assert run.status == "ok", run.reply
    (view,) = [d["data"] for d in run.of_type("display_data") if d["transient"].get("display_id")]
    assert "application/vnd.jupyter.widget-view+json" in view
    assert view["text/plain"].startswith("Spark: statement ")  # for frontends that do not render it after all
    (summary,) = [d["data"] for d in run.of_type("update_display_data")][-1:]
    assert summary["text/plain"].startswith("Spark: 1 job, 1 stage, 2 tasks in ")  # collapsed when done
    assert run.of_type("comm_open") and run.of_type("comm_close")  # the widgets are closed at the end
    values = [
        m["data"]["state"]["value"]
        for m in run.of_type("comm_msg")
        if m["data"].get("method") == "update" and "value" in m["data"].get("state", {})
    ]
    # The widget itself is updated in place while the job runs (Lab shows these, not the text).
    assert any("job 0" in v and "RUNNING" in v for v in values) and len(set(values)) > 2, values


def test_shutdown_deletes_the_session(kernel: RunningKernel, gateway_url: str) -> None:
    session_id = session_id_of(kernel)
    kernel.stop()
    assert requests.get(f"{gateway_url}/sessions/{session_id}", timeout=10).status_code == 404
