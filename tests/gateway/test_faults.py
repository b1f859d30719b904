"""Faults in a session process end in a final state with a reason, and leave no process behind.

Real gateway, real workers and JVMs; the faults are real signals (kill -9, SIGSTOP) and real user code
(forks, setsid, a loop swallowing KeyboardInterrupt). The gateway runs with short liveness timings so
the escalations happen within a test's time.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator

import psutil
import pytest
import requests

from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.livy_http import HEADERS, create_session, submit, wait_session, wait_statement

LIVENESS = {"ping_interval": 0.5, "liveness_timeout": 6.0, "cancel_grace": 3.0, "max_sessions": 3}


@pytest.fixture(scope="module")
def fault_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    running = start_gateway(tmp_path_factory.mktemp("faults"), settings=LIVENESS)
    try:
        yield running
    finally:
        running.stop()


def _new_session(url: str) -> tuple[int, psutil.Process]:
    session_id = int(create_session(url, {"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}})["id"])
    wait_session(url, session_id)
    log = requests.get(f"{url}/sessions/{session_id}/log", params={"from": 0, "size": -1}, timeout=10).json()
    pid = next(
        int(m.group(1)) for line in log["log"] if (m := re.search(r"session process (\d+) starting", line))
    )
    return session_id, psutil.Process(pid)


def _wait_running(url: str, session_id: int, statement_id: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = requests.get(f"{url}/sessions/{session_id}/statements/{statement_id}", timeout=10).json()[
            "state"
        ]
        if state == "running":
            time.sleep(0.5)  # let the code reach its loop
            return
        time.sleep(0.1)
    raise AssertionError(f"statement {statement_id} never ran")


def _log_text(url: str, session_id: int) -> str:
    log = requests.get(f"{url}/sessions/{session_id}/log", params={"from": 0, "size": -1}, timeout=10).json()
    return "\n".join(log["log"])


def _assert_all_gone(processes: list[psutil.Process], timeout: float = 20) -> None:
    _, alive = psutil.wait_procs([p for p in processes if p.is_running()], timeout=timeout)
    assert not alive, f"processes left behind: {alive}"


def _find_by_cmdline(marker: str, timeout: float = 20) -> psutil.Process:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in psutil.process_iter(["cmdline"]):
            if marker in (process.info["cmdline"] or []):
                return process
        time.sleep(0.2)
    raise AssertionError(f"no process with {marker!r} in its command line")


def test_kill_9_of_a_worker_is_seen_even_when_a_forked_child_holds_its_socket(
    fault_gateway: RunningGateway,
) -> None:
    url = fault_gateway.url
    session_id, worker = _new_session(url)
    forked = submit(
        url,
        session_id,
        "import os, time\nchild = os.fork()\nif child == 0:\n    time.sleep(600)\n    os._exit(0)\nchild",
    )
    child = psutil.Process(int(wait_statement(url, session_id, forked["id"])["output"]["data"]["text/plain"]))
    family = [worker, *worker.children(recursive=True)]
    running = submit(url, session_id, "import time\ntime.sleep(600)")
    _wait_running(url, session_id, running["id"])

    worker.send_signal(signal.SIGKILL)
    dead = wait_session(url, session_id, states=("dead",), timeout=30)
    assert dead["state"] == "dead"
    statement = wait_statement(url, session_id, running["id"], timeout=10)
    assert statement["output"]["status"] == "error" and "exited unexpectedly" in statement["output"]["evalue"]
    assert "exit code -9" in _log_text(url, session_id)
    _assert_all_gone([child, *family])


def test_a_stopped_worker_errors_its_statement_and_ends_dead(fault_gateway: RunningGateway) -> None:
    url = fault_gateway.url
    session_id, worker = _new_session(url)
    family = [worker, *worker.children(recursive=True)]
    running = submit(url, session_id, "import time\ntime.sleep(600)")
    _wait_running(url, session_id, running["id"])

    worker.send_signal(signal.SIGSTOP)
    try:
        statement = wait_statement(url, session_id, running["id"], timeout=60)
    finally:
        if worker.is_running():
            worker.send_signal(signal.SIGCONT)
    assert statement["output"]["status"] == "error"
    assert "stopped answering" in statement["output"]["evalue"]
    dead = wait_session(url, session_id, states=("dead",), timeout=30)
    assert any("stopped answering" in line for line in dead["log"]), dead["log"]
    _assert_all_gone(family)


def test_cancel_escalates_when_code_swallows_keyboard_interrupt(fault_gateway: RunningGateway) -> None:
    url = fault_gateway.url
    session_id, worker = _new_session(url)
    family = [worker, *worker.children(recursive=True)]
    stubborn = submit(
        url,
        session_id,
        "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
        "    except KeyboardInterrupt:\n        pass",
    )
    queued = submit(url, session_id, "1 + 1")
    _wait_running(url, session_id, stubborn["id"])

    reply = requests.post(
        f"{url}/sessions/{session_id}/statements/{stubborn['id']}/cancel", headers=HEADERS, timeout=10
    )
    assert reply.status_code == 200
    statement = wait_statement(url, session_id, stubborn["id"], timeout=30)
    assert statement["state"] == "cancelled"
    assert "did not stop" in statement["output"]["evalue"]
    dead = wait_session(url, session_id, states=("dead",), timeout=30)
    assert any("ignored cancellation" in line for line in dead["log"]), dead["log"]
    assert wait_statement(url, session_id, queued["id"], timeout=10)["state"] == "cancelled"
    _assert_all_gone(family)


def test_delete_kills_a_grandchild_that_called_setsid(fault_gateway: RunningGateway) -> None:
    url = fault_gateway.url
    session_id, worker = _new_session(url)
    marker = f"{600 + os.getpid() % 1000}.{session_id}"
    code = (
        "import os\nchild = os.fork()\nif child == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        f"        os.execvp('sleep', ['sleep', '{marker}'])\n    os._exit(0)\nos.waitpid(child, 0)\n'ok'"
    )
    assert wait_statement(url, session_id, submit(url, session_id, code)["id"])["output"]["status"] == "ok"
    escaped = _find_by_cmdline(marker)
    assert os.getsid(escaped.pid) != os.getsid(worker.pid), "the grandchild did not leave the session"
    assert escaped.ppid() == worker.pid, "the worker is not the subreaper of its orphans"
    family = [worker, *worker.children(recursive=True)]

    assert requests.delete(f"{url}/sessions/{session_id}", headers=HEADERS, timeout=60).status_code == 200
    _assert_all_gone([escaped, *family])
