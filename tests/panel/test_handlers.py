"""The panel's REST handlers against the real gateway: list, create, log, delete, batches, bad input."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.panel.api import Fetch, call
from tests.support.gateway_process import RunningGateway

SESSION_KEYS = {
    "id",
    "name",
    "kind",
    "state",
    "owner",
    "proxyUser",
    "appId",
    "sparkUiUrl",
    "driverLogUrl",
    "firstSeen",
    "seenAtStart",
}
START_TIMEOUT = 120.0


@pytest.fixture
def jp_root_dir(gateway: RunningGateway) -> Path:
    """The Jupyter server's root inside the gateway's directory, which the gateway accepts batch files
    from (its ``batch_dirs`` default to its working directory), as ``make run`` arranges."""
    root = gateway.work_dir.parent / f"jupyter-root-{uuid.uuid4().hex[:8]}"
    root.mkdir()
    return root


async def _endpoint(jp_fetch: Fetch) -> str:
    status, body = await call(jp_fetch, "GET", "endpoints")
    assert status == 200, body
    name: str = body["endpoints"][0]["name"]
    return name


async def _wait_for_state(
    jp_fetch: Fetch, endpoint: str, session_id: int, states: set[str]
) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        status, body = await call(jp_fetch, "GET", "endpoints", endpoint, "sessions")
        assert status == 200, body
        session = next((s for s in body["sessions"] if s["id"] == session_id), None)
        if session is not None and session["state"] in states:
            return session
        assert session is None or session["state"] not in {"dead", "error", "killed"}, session
        assert time.monotonic() < deadline, f"session {session_id} never reached {states}: {session}"
        await asyncio.sleep(0.5)


async def test_endpoints_show_the_configured_gateway_without_credentials(
    jp_fetch: Fetch, gateway_url: str
) -> None:
    status, body = await call(jp_fetch, "GET", "endpoints")
    assert status == 200
    assert body["endpoints"] == [{"name": "gateway", "url": gateway_url, "auth": "none", "default": True}]
    assert body["profiles"] == []


async def test_session_lifecycle_create_list_log_delete(jp_fetch: Fetch, gateway_url: str) -> None:
    endpoint = await _endpoint(jp_fetch)
    name = f"panel-{uuid.uuid4().hex[:8]}"
    status, created = await call(
        jp_fetch,
        "POST",
        "endpoints",
        endpoint,
        "sessions",
        body={"kind": "pyspark", "name": name, "properties": {"conf": {"spark.sql.shuffle.partitions": 2}}},
    )
    assert status == 201, created
    assert set(created) == SESSION_KEYS
    assert created["name"] == name and created["kind"] == "pyspark"
    assert created["state"] in {"not_started", "starting", "idle"}
    assert abs(created["firstSeen"] / 1000 - time.time()) < 60

    idle = await _wait_for_state(jp_fetch, endpoint, created["id"], {"idle"})
    assert idle["appId"] and idle["firstSeen"] == created["firstSeen"] and idle["seenAtStart"] is False
    # The Spark UI link is the gateway's authenticated proxy, not the driver's own address.
    assert idle["sparkUiUrl"] == f"{gateway_url}/sessions/{created['id']}/ui/", idle

    status, log = await call(
        jp_fetch, "GET", "endpoints", endpoint, "sessions", created["id"], "log", params={"size": 3}
    )
    assert status == 200, log
    assert log["id"] == created["id"] and len(log["lines"]) == 3 and log["total"] >= 3
    status, full = await call(jp_fetch, "GET", "endpoints", endpoint, "sessions", created["id"], "log")
    assert any("sparkwire: session ready" in line for line in full["lines"])

    # Pages from a line: the start, a page at the end, past the end (what following asks for).
    async def log_page(from_: int, size: int) -> tuple[int, Any]:
        return await call(
            jp_fetch,
            "GET",
            "endpoints",
            endpoint,
            "sessions",
            created["id"],
            "log",
            params={"from": from_, "size": size},
        )

    status, head = await log_page(0, 2)
    assert status == 200, head
    total = head["total"]
    status, whole = await log_page(0, total)
    assert head["from"] == 0 and head["lines"] == whole["lines"][:2]
    status, last = await log_page(total - 1, 5)
    assert last["from"] == total - 1 and last["lines"] == whole["lines"][-1:]
    status, after = await log_page(whole["total"], 5)
    assert status == 200 and after["lines"] == [] and after["total"] >= total

    status, body = await call(jp_fetch, "DELETE", "endpoints", endpoint, "sessions", created["id"])
    assert (status, body) == (204, None)
    status, body = await call(jp_fetch, "GET", "endpoints", endpoint, "sessions")
    gone = next((s for s in body["sessions"] if s["id"] == created["id"]), None)
    assert gone is None or gone["state"] in {"shutting_down", "dead", "killed", "success"}


async def test_unknown_session_is_404_with_the_gateways_message(jp_fetch: Fetch) -> None:
    endpoint = await _endpoint(jp_fetch)
    status, body = await call(jp_fetch, "DELETE", "endpoints", endpoint, "sessions", 987654)
    assert status == 404
    assert body["reason"] == "SessionNotFound" and "987654" in body["message"]
    status, body = await call(jp_fetch, "GET", "endpoints", endpoint, "sessions", 987654, "log")
    assert status == 404 and "987654" in body["message"]


async def test_bad_requests_are_400_with_a_message_and_reach_no_endpoint(jp_fetch: Fetch) -> None:
    endpoint = await _endpoint(jp_fetch)
    cases: list[tuple[Any, str]] = [
        ("{not json", "not valid json"),
        ([1, 2], "json object"),
        ({"kind": "pyspark", "colour": "red"}, "unknown session field"),
        ({"properties": {"driverMemmory": "1g"}}, "drivermemmory"),
        ({"properties": "2g"}, "json object"),
        ({"kind": "cobol"}, "unknown session kind"),
        ({"profile": "huge"}, "unknown session profile"),
    ]
    for body, fragment in cases:
        status, answer = await call(jp_fetch, "POST", "endpoints", endpoint, "sessions", body=body)
        assert status == 400, (body, answer)
        assert fragment in answer["message"].lower(), (body, answer)
    status, answer = await call(
        jp_fetch, "GET", "endpoints", endpoint, "sessions", 1, "log", params={"size": "many"}
    )
    assert status == 400 and "size" in answer["message"]
    for bad in ("-1", "first"):
        status, answer = await call(
            jp_fetch, "GET", "endpoints", endpoint, "sessions", 1, "log", params={"from": bad}
        )
        assert status == 400 and "'from'" in answer["message"], answer


async def test_unknown_endpoint_is_404_naming_the_configured_ones(jp_fetch: Fetch) -> None:
    status, body = await call(jp_fetch, "GET", "endpoints", "nowhere", "sessions")
    assert status == 404
    assert "nowhere" in body["message"] and "gateway" in body["message"]


async def test_batches_list_submit_and_kill(jp_fetch: Fetch, jp_root_dir: Path) -> None:
    endpoint = await _endpoint(jp_fetch)
    status, listing = await call(jp_fetch, "GET", "endpoints", endpoint, "batches")
    assert status == 200, listing
    assert listing["available"] is True and isinstance(listing["batches"], list)

    (jp_root_dir / "jobs").mkdir()
    (jp_root_dir / "jobs" / "sleepy.py").write_text("import time\ntime.sleep(60)\n")
    status, batch = await call(
        jp_fetch,
        "POST",
        "endpoints",
        endpoint,
        "batches",
        body={
            "path": "jobs/sleepy.py",
            "name": f"panel-{uuid.uuid4().hex[:8]}",
            "args": ["--n", "3"],
            "conf": {"spark.ui.enabled": False},
        },
    )
    assert status == 201, batch
    assert batch["state"] in {"not_started", "starting", "running"}
    status, listing = await call(jp_fetch, "GET", "endpoints", endpoint, "batches")
    assert batch["id"] in [b["id"] for b in listing["batches"]]
    status, log = await call(jp_fetch, "GET", "endpoints", endpoint, "batches", batch["id"], "log")
    assert status == 200 and log["id"] == batch["id"]
    status, body = await call(jp_fetch, "DELETE", "endpoints", endpoint, "batches", batch["id"])
    assert (status, body) == (204, None)


async def test_batch_paths_must_be_files_inside_the_server_root(jp_fetch: Fetch, jp_root_dir: Path) -> None:
    endpoint = await _endpoint(jp_fetch)
    (jp_root_dir / "folder").mkdir()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"path": "../../etc/passwd"}, "outside"),
        ({"path": "missing.py"}, "not a file"),
        ({"path": "folder"}, "not a file"),
        ({}, "give the application"),
        ({"path": "a.py", "file": "hdfs:///a.py"}, "give the application"),
        ({"file": "hdfs:///a.py", "args": "--n 3"}, "list of strings"),
        ({"file": "hdfs:///a.py", "conf": {"a": {"b": 1}}}, "plain values"),
    ]
    for body, fragment in cases:
        status, answer = await call(jp_fetch, "POST", "endpoints", endpoint, "batches", body=body)
        assert status == 400, (body, answer)
        assert fragment in answer["message"].lower(), (body, answer)
