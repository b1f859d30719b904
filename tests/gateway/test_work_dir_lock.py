"""One gateway per work dir: a second real gateway on the same work dir is refused at once, clearly; after
``kill -9`` of the first the lock is gone and a new gateway starts there and recovers its records."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from sparkwire.gateway.work_dir_lock import LOCK_NAME, WorkDirBusy, lock_work_dir
from tests.support.gateway_process import RunningGateway, free_port, gateway_argv, start_gateway
from tests.support.livy_http import HEADERS


def _second_gateway(first: RunningGateway, tmp: Path) -> subprocess.CompletedProcess[str]:
    """The same command as the first gateway's (its config and work dir), on another port."""
    argv = gateway_argv(free_port(), first.work_dir, tmp / "gateway.json")
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=tmp, check=False)


def _wait_batch(url: str, batch_id: int, timeout: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch: dict[str, object] = requests.get(f"{url}/batches/{batch_id}", timeout=10).json()
        if batch["state"] in ("success", "dead", "killed"):
            return batch
        time.sleep(0.2)
    raise AssertionError(f"batch {batch_id} did not end in {timeout}s")


def test_a_second_gateway_on_the_same_work_dir_is_refused_and_a_crash_frees_it(tmp_path: Path) -> None:
    first = start_gateway(tmp_path)
    restarted: RunningGateway | None = None
    try:
        (tmp_path / "hello.py").write_text("print('hello from the batch', flush=True)\n")
        reply = requests.post(
            f"{first.url}/batches",
            headers=HEADERS,
            timeout=30,
            json={"file": "hello.py", "conf": {"spark.ui.enabled": "false"}},
        )
        assert reply.status_code == 201, reply.text
        batch_id = reply.json()["id"]
        assert _wait_batch(first.url, batch_id)["state"] == "success"

        second = _second_gateway(first, tmp_path)
        assert second.returncode == 2, second
        message = second.stderr
        assert (
            f"another gateway (PID {first.process.pid}) is already running on the work dir {first.work_dir}"
            in message
        ), message
        assert "--work-dir" in message and "Traceback" not in message, message
        assert "sparkwire gateway on http" not in second.stdout  # refused before it served anything
        assert requests.get(f"{first.url}/version", timeout=10).status_code == 200  # the first is untouched

        first.process.send_signal(signal.SIGKILL)
        first.process.wait(10)
        restarted = start_gateway(tmp_path, port=first.port)
        batch = requests.get(f"{restarted.url}/batches/{batch_id}", timeout=10).json()
        assert batch["state"] == "success", batch  # the record of the crashed run is recovered
        again = _second_gateway(restarted, tmp_path)
        assert again.returncode == 2 and f"(PID {restarted.process.pid})" in again.stderr, again
    finally:
        if restarted is not None:
            restarted.stop()
        first.stop()


def test_the_lock_names_its_holder_and_is_free_again_once_released(tmp_path: Path) -> None:
    """In-process: flock conflicts between two open files of one process too."""
    held = lock_work_dir(tmp_path / "work")
    assert (tmp_path / "work" / LOCK_NAME).read_text() == f"{os.getpid()}\n"
    with pytest.raises(WorkDirBusy) as refused:
        lock_work_dir(tmp_path / "work")
    assert refused.value.pid == os.getpid() and refused.value.work_dir == tmp_path / "work"
    held.release()
    held.release()
    lock_work_dir(tmp_path / "work").release()


def test_a_work_dir_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    argv = gateway_argv(free_port(), tmp_path / "file" / "work")
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert result.returncode == 2, result
    assert f"cannot use the work dir {tmp_path / 'file' / 'work'}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
