"""Sessions the engine creates carry a heartbeat timeout and are kept alive by heartbeats while it lives.

Real gateway and a real session: a short ``kernel.heartbeat_timeout`` stands in for the 15-minute default.
"""

from __future__ import annotations

import time

import requests

from sparkwire.engine import SessionRegistry, parse_config
from tests.support.livy_http import HEADERS

TIMEOUT = 4


def _listed_state(url: str, session_id: int) -> str:
    # The list is not a heartbeat (a GET of the session itself is), so watching never keeps it alive.
    for session in requests.get(f"{url}/sessions", params={"size": 1000}, timeout=10).json()["sessions"]:
        if session["id"] == session_id:
            return str(session["state"])
    return "gone"


def test_a_live_idle_registry_keeps_its_session_and_a_crashed_one_loses_it(gateway_url: str) -> None:
    config = parse_config(
        {
            "endpoints": {"gw": {"url": gateway_url}},
            "default_endpoint": "gw",
            "kernel": {"heartbeat_timeout": TIMEOUT},
        },
        source="test",
    )
    registry = SessionRegistry(config)
    registry.add("main", body={"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}})
    session_id = registry.ensure_started("main", timeout=240).session_id
    assert session_id is not None
    try:
        time.sleep(3 * TIMEOUT)  # idle, with only the registry's own heartbeats
        assert _listed_state(gateway_url, session_id) == "idle"

        registry.close(keep_sessions=True)  # like a crashed kernel: no delete, no more heartbeats
        deadline = time.monotonic() + 60
        state = _listed_state(gateway_url, session_id)
        while state not in ("dead", "gone") and time.monotonic() < deadline:
            time.sleep(0.5)
            state = _listed_state(gateway_url, session_id)
        assert state == "dead"
        log = requests.get(
            f"{gateway_url}/sessions/{session_id}/log", params={"size": -1}, timeout=10
        ).json()["log"]
        assert any("no client heartbeat" in line for line in log), log
    finally:
        requests.delete(f"{gateway_url}/sessions/{session_id}", headers=HEADERS, timeout=60)
