"""One OS process per session: isolation, crashes, start failures, and no orphans after delete."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.livy_http import HEADERS, create_session, run, wait_session


def _session_processes(gateway_url: str, session_id: int) -> list[psutil.Process]:
    """The worker (its pid is in the session log) and everything it started, the driver JVM included."""
    log = requests.get(
        f"{gateway_url}/sessions/{session_id}/log", params={"from": 0, "size": -1}, timeout=10
    ).json()
    pid = next(
        int(m.group(1)) for line in log["log"] if (m := re.search(r"session process (\d+) starting", line))
    )
    worker = psutil.Process(pid)
    return [worker, *worker.children(recursive=True)]


def test_three_sessions_are_kept_apart_and_delete_leaves_no_process(gateway: RunningGateway) -> None:
    url = gateway.url
    ids = [
        create_session(url, {"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}})["id"]
        for _ in range(3)
    ]
    for session_id in ids:
        wait_session(url, session_id)
    for n, session_id in enumerate(ids):
        run(url, session_id, f"secret = {n}\nspark.range({n + 1}).createOrReplaceTempView('mine')")
    for n, session_id in enumerate(ids):
        assert run(url, session_id, "secret")["output"]["data"]["text/plain"] == str(n)
        count = run(url, session_id, "spark.table('mine').count()")["output"]["data"]["text/plain"]
        assert count == str(n + 1)
    processes = {session_id: _session_processes(url, session_id) for session_id in ids}
    assert all(any("java" in p.name() for p in procs) for procs in processes.values()), "no driver JVM found"
    pids = [p.pid for procs in processes.values() for p in procs]
    assert len(set(pids)) == len(pids), "sessions share a process"

    # A crash of one session touches neither the gateway nor the others.
    crashed = ids[0]
    requests.post(
        f"{url}/sessions/{crashed}/statements",
        json={"code": "import os; os._exit(3)"},
        headers=HEADERS,
        timeout=10,
    )
    dead = wait_session(url, crashed, states=("dead",), timeout=60)
    assert any("exited unexpectedly" in line and "exit code 3" in line for line in dead["log"]), dead["log"]
    assert run(url, ids[1], "secret")["output"]["data"]["text/plain"] == "1"
    rejected = requests.post(
        f"{url}/sessions/{crashed}/statements", json={"code": "1"}, headers=HEADERS, timeout=10
    )
    assert rejected.status_code == 400 and "dead" in rejected.json()["msg"]

    for session_id in ids:
        assert requests.delete(f"{url}/sessions/{session_id}", headers=HEADERS, timeout=60).status_code == 200
    _, alive = psutil.wait_procs(
        [p for procs in processes.values() for p in procs if p.is_running()], timeout=15
    )
    assert not alive, f"orphaned processes: {alive}"


def test_a_session_that_cannot_start_ends_dead_and_its_log_says_why(gateway_url: str) -> None:
    session = create_session(gateway_url, {"kind": "pyspark", "driverMemory": "lots"})
    dead = wait_session(gateway_url, session["id"], states=("dead",), timeout=90)
    log = requests.get(f"{gateway_url}/sessions/{session['id']}/log", params={"size": -1}, timeout=10).json()[
        "log"
    ]
    text = "\n".join(log)
    assert "Spark failed to start" in text or "exited unexpectedly" in text, text
    assert "lots" in text  # Spark's own complaint about the memory string is in the log
    assert dead["log"], "the session's own log field shows the last lines"
    requests.delete(f"{gateway_url}/sessions/{session['id']}", headers=HEADERS, timeout=30)


def test_statement_posted_while_starting_is_queued(gateway_url: str) -> None:
    session = create_session(gateway_url, {"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}})
    assert session["state"] in ("starting", "not_started")
    reply = requests.post(
        f"{gateway_url}/sessions/{session['id']}/statements",
        json={"code": "6 * 7"},
        headers=HEADERS,
        timeout=10,
    )
    assert reply.status_code == 201 and reply.json()["state"] == "waiting"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        statement = requests.get(
            f"{gateway_url}/sessions/{session['id']}/statements/{reply.json()['id']}", timeout=10
        ).json()
        if statement["state"] == "available":
            break
        time.sleep(0.2)
    assert statement["output"]["data"]["text/plain"] == "42"
    requests.delete(f"{gateway_url}/sessions/{session['id']}", headers=HEADERS, timeout=30)


@pytest.mark.parametrize(
    "settings", [{"recovery": "off"}, {"worker_grace": 3}], ids=["recovery-off", "grace-over"]
)
def test_sessions_stop_by_themselves_when_the_gateway_is_killed(
    tmp_path: Path, settings: dict[str, object]
) -> None:
    """SIGKILL gives the gateway no chance to clean up; its session processes must notice and exit:
    at once with recovery off, after ``worker_grace`` seconds with recovery on and no new gateway."""
    gateway = start_gateway(tmp_path, settings=settings)
    try:
        session = create_session(gateway.url, {"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}})
        wait_session(gateway.url, session["id"])
        processes = _session_processes(gateway.url, session["id"])
        requests.post(
            f"{gateway.url}/sessions/{session['id']}/statements",
            json={"code": "sc.parallelize(range(2), 2).map(lambda x: __import__('time').sleep(300)).count()"},
            headers=HEADERS,
            timeout=10,
        )
        time.sleep(2)
        gateway.process.send_signal(signal.SIGKILL)
        gateway.process.wait(10)
        _, alive = psutil.wait_procs(processes, timeout=40)
        assert not alive, f"orphaned after the gateway died: {alive}"
    finally:
        gateway.stop()
