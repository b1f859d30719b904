"""``kernel.start_session: "on_kernel_start"``: the session starts while the user types.

Real Remote PySpark kernels (jupyter_client) on the suite's real gateway (no warm pool there, so a
session takes a full Spark start and the background start is visible).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import requests

from .conftest import TIMEOUT, RunningKernel

HEADERS = {"X-Requested-By": "tests"}


def _config(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"kernel": {"start_session": "on_kernel_start"}, "session": {"name": name}}))
    return str(path)


def _named(gateway_url: str, name: str) -> list[dict[str, Any]]:
    sessions = requests.get(f"{gateway_url}/sessions", params={"size": 1000}, timeout=10).json()["sessions"]
    return [s for s in sessions if s["name"] == name]


def _wait_for_session(gateway_url: str, name: str) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = _named(gateway_url, name)
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no session named {name!r} appeared")


def test_session_starts_with_the_kernel_and_the_first_cell_waits_for_the_rest(
    kernel_factory: Any, gateway_url: str, tmp_path: Path
) -> None:
    name = f"early-{uuid.uuid4().hex[:8]}"
    kernel: RunningKernel = kernel_factory(
        SPARKWIRE_URL=gateway_url, SPARKWIRE_CONFIG=_config(tmp_path, name)
    )
    created = _wait_for_session(gateway_url, name)  # before any cell ran
    run = kernel.run("print(spark.range(3).count())")
    assert run.status == "ok", run.reply
    assert run.stdout == "3\n"
    displays = run.of_type("display_data") + run.of_type("update_display_data")
    texts = [d["data"].get("text/plain", "") for d in displays]
    texts = [
        t
        for t in texts
        if t.startswith(("Creating a Spark session", "Starting Spark session", "Spark session"))
    ]
    assert texts, "the start view"
    assert all("started with the kernel" in text for text in texts), texts
    assert texts[-1].startswith(
        f"Spark session {created['id']} (pyspark) is ready on {gateway_url}: started with the kernel "
    )
    assert "this cell waited" in texts[-1]
    assert [s["id"] for s in _named(gateway_url, name)] == [created["id"]]  # started once, not twice
    second = kernel.run("print(1 + 1)")
    assert second.stdout == "2\n"
    assert not [
        d for d in second.of_type("display_data") if "Spark session" in d["data"].get("text/plain", "")
    ]
    kernel.stop()
    deadline = time.monotonic() + 60
    while _named(gateway_url, name) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _named(gateway_url, name) == []  # deleted with the kernel, as on_first_cell sessions are


def test_kernel_shut_down_while_its_session_starts_leaves_no_session(
    kernel_factory: Any, gateway_url: str, tmp_path: Path
) -> None:
    name = f"early-{uuid.uuid4().hex[:8]}"
    kernel: RunningKernel = kernel_factory(
        SPARKWIRE_URL=gateway_url, SPARKWIRE_CONFIG=_config(tmp_path, name)
    )
    _wait_for_session(gateway_url, name)
    kernel.stop()
    deadline = time.monotonic() + 60
    while _named(gateway_url, name) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _named(gateway_url, name) == [], "the background start's session outlived its kernel"
