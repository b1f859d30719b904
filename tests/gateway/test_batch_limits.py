"""``max_batches`` queues batches beyond the limit in ``starting``; ``batch_retention`` prunes old records.

The gateway and its batch processes are real, but spark-submit is the JVM-free stub of
tests/support/stub_pyspark, which "runs" for STUB_SPARK_SUBMIT_SECONDS: what is under test is the
gateway's queueing, and four real spark-submits would start four JVMs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.livy_http import HEADERS

STUB_PYSPARK = Path(__file__).resolve().parent.parent / "support" / "stub_pyspark"


@pytest.fixture(scope="module")
def limited_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    running = start_gateway(
        tmp_path_factory.mktemp("batch-limits"),
        settings={"max_batches": 2, "batch_retention": 4},
        env={"PYTHONPATH": str(STUB_PYSPARK), "STUB_SPARK_SUBMIT_SECONDS": "3"},
    )
    try:
        yield running
    finally:
        running.stop()


def _launched(batch: dict[str, object]) -> bool:
    return any("batch process" in str(line) for line in batch["log"])  # type: ignore[attr-defined]


def test_at_most_max_batches_run_and_the_rest_wait_in_starting(limited_gateway: RunningGateway) -> None:
    url = limited_gateway.url
    ids = []
    for n in range(4):
        reply = requests.post(
            f"{url}/batches",
            json={"file": "s3a://bucket/app.py", "args": [str(n)]},
            headers=HEADERS,
            timeout=30,
        )
        assert reply.status_code == 201, reply.text
        ids.append(reply.json()["id"])
    queued = requests.get(f"{url}/batches/{ids[3]}", timeout=10).json()
    assert queued["state"] == "starting"
    assert any("queued" in line and "max_batches" in line for line in queued["log"]), queued["log"]

    most_at_once, final = 0, {}
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len(final) < len(ids):
        # One list request is one snapshot: GETs one batch at a time can see a batch still running and,
        # a moment later, the queued batch that replaced it already launched.
        listed = requests.get(f"{url}/batches", params={"size": 100}, timeout=10).json()["sessions"]
        batches = [b for b in listed if b["id"] in ids]
        most_at_once = max(
            most_at_once, sum(1 for b in batches if _launched(b) and b["state"] in ("starting", "running"))
        )
        final = {b["id"]: b["state"] for b in batches if b["state"] in ("success", "dead", "killed")}
        time.sleep(0.2)
    assert final == {i: "success" for i in ids}
    assert most_at_once == 2


def test_a_queued_batch_can_be_killed_before_it_starts(limited_gateway: RunningGateway) -> None:
    url = limited_gateway.url
    ids = [
        requests.post(
            f"{url}/batches", json={"file": "s3a://bucket/app.py"}, headers=HEADERS, timeout=30
        ).json()["id"]
        for _ in range(3)
    ]
    assert requests.delete(f"{url}/batches/{ids[2]}", headers=HEADERS, timeout=30).status_code == 200
    killed = requests.get(f"{url}/batches/{ids[2]}", timeout=10).json()
    assert killed["state"] == "killed" and not _launched(killed)
    for batch_id in ids[:2]:
        requests.delete(f"{url}/batches/{batch_id}", headers=HEADERS, timeout=30)


def test_finished_batches_are_forgotten_after_batch_retention(limited_gateway: RunningGateway) -> None:
    url = limited_gateway.url
    batch_id = requests.post(
        f"{url}/batches", json={"file": "s3a://bucket/app.py"}, headers=HEADERS, timeout=30
    ).json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        reply = requests.get(f"{url}/batches/{batch_id}", timeout=10)
        if reply.status_code == 404:
            break
        time.sleep(0.5)
    assert reply.status_code == 404, f"batch {batch_id} still listed: {reply.text}"
    listed = requests.get(f"{url}/batches", params={"size": 1000}, timeout=10).json()
    assert batch_id not in [b["id"] for b in listed["sessions"]]
