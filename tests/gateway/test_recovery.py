"""Recovery: a gateway killed with SIGKILL and restarted on the same work dir and port loses nothing.

Real processes throughout: the gateway is a real ``sparkwire gateway`` process, killed with
``kill -9`` while a statement runs, then started again; the session process outlives it.
"""

from __future__ import annotations

import signal
import stat
import time
from pathlib import Path

import psutil
import requests

from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.livy_http import HEADERS, create_session, run, submit, wait_session, wait_statement


def _session_workers(gateway: RunningGateway, session_id: int) -> list[psutil.Process]:
    """The session processes listening on this gateway's socket of the session (their command line names it)."""
    path = str(gateway.work_dir / "sockets" / f"{session_id}.sock")
    found = []
    for process in psutil.process_iter():
        try:
            if path in process.cmdline():
                found.append(process)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


def _kill9(gateway: RunningGateway) -> None:
    """SIGKILL the gateway process only (its sessions are in their own process groups)."""
    gateway.process.send_signal(signal.SIGKILL)
    gateway.process.wait(10)


def _restart(gateway: RunningGateway, tmp: Path, settings: dict[str, object]) -> RunningGateway:
    return start_gateway(tmp, settings=settings, port=gateway.port)


def test_kill_9_mid_statement_then_restart_keeps_session_variables_and_output(tmp_path: Path) -> None:
    settings = {"worker_grace": 120}
    gateway = start_gateway(tmp_path, settings=settings)
    restarted: RunningGateway | None = None
    try:
        url = gateway.url
        session = create_session(url, {"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}})
        session_id = session["id"]
        wait_session(url, session_id)
        assert run(url, session_id, "kept = 41")["output"]["status"] == "ok"
        socket_dir = gateway.work_dir / "sockets"
        assert stat.S_IMODE(socket_dir.stat().st_mode) == 0o700
        slow = submit(url, session_id, "import time\ntime.sleep(6)\nprint('slept', kept + 1)")
        queued = submit(url, session_id, "kept * 2")  # waits in the gateway's queue when it dies
        time.sleep(1.5)  # the statement is running in the session process now
        worker_pids = [p.pid for p in _session_workers(gateway, session_id)]
        _kill9(gateway)
        time.sleep(1.0)
        assert worker_pids and all(psutil.pid_exists(pid) for pid in worker_pids), (
            "the session died with its gateway"
        )

        restarted = _restart(gateway, tmp_path, settings)
        url = restarted.url
        assert url == gateway.url
        finished = wait_statement(url, session_id, slow["id"], timeout=120)
        assert finished["state"] == "available", finished
        assert finished["output"]["data"]["text/plain"].strip() == "slept 42"
        assert wait_statement(url, session_id, queued["id"])["output"]["data"]["text/plain"] == "82"
        assert wait_session(url, session_id)["id"] == session_id
        assert run(url, session_id, "kept")["output"]["data"]["text/plain"] == "41"
        listed = requests.get(f"{url}/sessions/{session_id}/statements", timeout=10).json()
        assert [s["id"] for s in listed["statements"]] == [0, 1, 2, 3]

        # A new session never reuses an id, even when the state store is gone.
        assert create_session(url, {"kind": "sql"})["id"] == session_id + 1
    finally:
        if restarted is not None:
            restarted.stop()
        gateway.stop()


def test_a_statement_that_finished_while_the_gateway_was_down_keeps_its_output(tmp_path: Path) -> None:
    settings = {"worker_grace": 120, "output_spill_bytes": 4096}
    gateway = start_gateway(tmp_path, settings=settings)
    restarted: RunningGateway | None = None
    try:
        url = gateway.url
        session_id = create_session(url, {"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}})["id"]
        wait_session(url, session_id)
        quick = submit(url, session_id, "import time\ntime.sleep(2)\nprint('x' * 100000)")
        time.sleep(0.5)
        _kill9(gateway)
        time.sleep(4)  # the statement ends while no gateway listens

        restarted = _restart(gateway, tmp_path, settings)
        statement = wait_statement(restarted.url, session_id, quick["id"], timeout=60)
        assert statement["state"] == "available"
        assert statement["output"]["data"]["text/plain"].strip() == "x" * 100000  # spilled, streamed back
        spilled = restarted.work_dir / "sessions" / str(session_id) / "outputs" / f"{quick['id']}.json"
        assert stat.S_IMODE(spilled.stat().st_mode) == 0o600
        small = run(restarted.url, session_id, "print('small')")
        listed = requests.get(
            f"{restarted.url}/sessions/{session_id}/statements", params={"from": 0, "size": 5}, timeout=30
        ).json()
        assert listed["total_statements"] == 2
        assert [s["output"]["data"]["text/plain"].strip() for s in listed["statements"]] == [
            "x" * 100000,
            "small",
        ]
        page = requests.get(
            f"{restarted.url}/sessions/{session_id}/statements", params={"from": 1, "size": 1}, timeout=30
        ).json()
        assert [s["id"] for s in page["statements"]] == [small["id"]]
    finally:
        if restarted is not None:
            restarted.stop()
        gateway.stop()


def test_ids_are_not_reused_after_the_store_is_lost(tmp_path: Path) -> None:
    gateway = start_gateway(tmp_path, settings={"recovery": "off"})
    try:
        first = create_session(gateway.url, {"kind": "sql", "conf": {"spark.ui.enabled": "false"}})["id"]
        requests.delete(f"{gateway.url}/sessions/{first}", headers=HEADERS, timeout=60)
    finally:
        gateway.stop()
    (gateway.work_dir / "gateway.sqlite3").unlink(missing_ok=True)
    (gateway.work_dir / "sessions" / "next_id").unlink()
    again = start_gateway(tmp_path, settings={"recovery": "off"})
    try:
        second = create_session(again.url, {"kind": "sql", "conf": {"spark.ui.enabled": "false"}})["id"]
        assert second > first
        requests.delete(f"{again.url}/sessions/{second}", headers=HEADERS, timeout=60)
    finally:
        again.stop()


def test_with_recovery_off_sessions_end_with_the_gateway(tmp_path: Path) -> None:
    gateway = start_gateway(tmp_path, settings={"recovery": "off"})
    try:
        session_id = create_session(gateway.url, {"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}})[
            "id"
        ]
        wait_session(gateway.url, session_id)
        workers = _session_workers(gateway, session_id)
        assert workers
        _kill9(gateway)
        _, alive = psutil.wait_procs(workers, timeout=30)
        assert not alive, "a session outlived its gateway with recovery off"
        assert not (gateway.work_dir / "gateway.sqlite3").exists()
    finally:
        gateway.stop()
