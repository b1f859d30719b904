"""Spark UI links of sessions that ended: a crashed session lists no link, and its proxy says why."""

from __future__ import annotations

import requests

from tests.support.gateway_process import RunningGateway
from tests.support.livy_http import HEADERS, create_session, wait_session


def test_a_dead_sessions_ui_link_goes_and_the_proxy_says_it_ended(gateway: RunningGateway) -> None:
    url = gateway.url
    session_id = create_session(url, {"kind": "pyspark"})["id"]
    try:
        idle = wait_session(url, session_id)
        assert idle["appInfo"]["sparkUiUrl"] == f"{url}/sessions/{session_id}/ui/", idle
        assert requests.get(f"{url}/sessions/{session_id}/ui/jobs/", timeout=30).status_code == 200
        requests.post(
            f"{url}/sessions/{session_id}/statements",
            json={"code": "import os; os._exit(3)"},
            headers=HEADERS,
            timeout=10,
        )
        dead = wait_session(url, session_id, states=("dead",), timeout=60)
        assert dead["appInfo"]["sparkUiUrl"] is None, dead
        listed = [
            s for s in requests.get(f"{url}/sessions", timeout=10).json()["sessions"] if s["id"] == session_id
        ]
        assert listed[0]["appInfo"]["sparkUiUrl"] is None
        ended = requests.get(f"{url}/sessions/{session_id}/ui/jobs/", timeout=10)
        assert ended.status_code == 404, ended.text
        assert ended.json()["msg"] == (
            f"Session {session_id} has ended (dead), and its Spark UI ended with it; its "
            f"log stays at /sessions/{session_id}/log."
        ), ended.text
    finally:
        requests.delete(f"{url}/sessions/{session_id}", headers=HEADERS, timeout=60)
