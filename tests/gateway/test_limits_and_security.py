"""Session limits, expiry, auth and CSRF, each on a gateway started for the purpose."""

from __future__ import annotations

import base64
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.livy_http import HEADERS, create_session, wait_session


@pytest.fixture(scope="module")
def small_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    """max_sessions=1 and a 4 s idle timeout."""
    running = start_gateway(tmp_path_factory.mktemp("small"), settings={"max_sessions": 1, "idle_timeout": 4})
    try:
        yield running
    finally:
        running.stop()


def test_session_limit_and_idle_timeout(small_gateway: RunningGateway) -> None:
    url = small_gateway.url
    first = create_session(url, {"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}})
    over = requests.post(f"{url}/sessions", json={}, headers=HEADERS, timeout=10)
    assert over.status_code == 400 and "max_sessions" in over.json()["msg"]
    wait_session(url, first["id"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = requests.get(f"{url}/sessions/{first['id']}/state", timeout=10).json()["state"]
        if state == "dead":
            break
        time.sleep(0.5)
    assert state == "dead"
    log = requests.get(f"{url}/sessions/{first['id']}/log", timeout=10).json()["log"]
    assert any("idle for more than 4s" in line for line in log), log
    # The limit counts live sessions only: a new one may start now.
    second = create_session(
        url, {"kind": "sql", "heartbeatTimeoutInSecond": 2, "conf": {"spark.ui.enabled": "false"}}
    )
    wait_session(url, second["id"])
    time.sleep(4)  # no requests about the session: its heartbeat expires
    log = requests.get(f"{url}/sessions/{second['id']}/log", timeout=10).json()["log"]
    assert any("heartbeat" in line for line in log), log[-6:]
    assert requests.get(f"{url}/sessions/{second['id']}/state", timeout=10).json()["state"] == "dead"


@pytest.fixture(scope="module")
def token_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    running = start_gateway(
        tmp_path_factory.mktemp("token"),
        settings={"csrf_protection": True},
        env={"SPARKWIRE_GATEWAY_AUTH_TOKEN": "t0ken-value"},
    )
    try:
        yield running
    finally:
        running.stop()


def test_token_auth_and_csrf(token_gateway: RunningGateway) -> None:
    url = token_gateway.url
    assert requests.get(f"{url}/sessions", timeout=10).status_code == 401
    wrong = requests.get(f"{url}/sessions", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 401 and "t0ken" not in wrong.text
    good = {"Authorization": "Bearer t0ken-value"}
    assert requests.get(f"{url}/sessions", headers=good, timeout=10).json()["total"] == 0
    no_csrf = requests.post(f"{url}/sessions", json={"kind": "cobol"}, headers=good, timeout=10)
    assert no_csrf.status_code == 400 and "X-Requested-By" in no_csrf.json()["msg"]
    with_csrf = requests.post(
        f"{url}/sessions", json={"kind": "cobol"}, headers={**good, **HEADERS}, timeout=10
    )
    assert with_csrf.status_code == 400 and "Unknown kind" in with_csrf.json()["msg"]
    assert "t0ken-value" not in token_gateway.log_text()


def test_basic_auth_sets_the_owner(tmp_path: Path) -> None:
    running = start_gateway(tmp_path, settings={"auth_user": "alice", "auth_password": "s3cret"})
    try:
        url = running.url

        def basic(user: str, password: str) -> dict[str, str]:
            return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}

        assert requests.get(f"{url}/sessions", headers=basic("alice", "wrong"), timeout=10).status_code == 401
        assert (
            requests.get(f"{url}/sessions", headers=basic("mallory", "s3cret"), timeout=10).status_code == 401
        )
        reply = requests.get(f"{url}/sessions", headers=basic("alice", "s3cret"), timeout=10)
        assert reply.status_code == 200
        assert "s3cret" not in running.log_text()
    finally:
        running.stop()


def test_cli_refuses_public_bind_without_auth() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sparkwire", "gateway", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "requires auth" in result.stderr and "Traceback" not in result.stderr


def test_session_code_cannot_read_the_gateway_token(token_gateway: RunningGateway) -> None:
    url = token_gateway.url
    headers = {"Authorization": "Bearer t0ken-value", **HEADERS}
    session = requests.post(
        f"{url}/sessions",
        json={"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}},
        headers=headers,
        timeout=30,
    )
    assert session.status_code == 201, session.text
    session = session.json()
    try:
        deadline = time.monotonic() + 120
        while (
            requests.get(f"{url}/sessions/{session['id']}/state", headers=headers, timeout=10).json()["state"]
            != "idle"
        ):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        statement = requests.post(
            f"{url}/sessions/{session['id']}/statements",
            headers=headers,
            timeout=10,
            json={
                "code": "import os\nsorted(k for k, v in os.environ.items() if 'SPARKWIRE' in k or 't0ken' in v)"
            },
        ).json()
        while statement["state"] != "available":
            time.sleep(0.1)
            statement = requests.get(
                f"{url}/sessions/{session['id']}/statements/{statement['id']}", headers=headers, timeout=10
            ).json()
        # The only sparkwire variable a session gets is the folder its SQL results go to; none holds the token.
        assert statement["output"]["data"]["text/plain"] == "['SPARKWIRE_RESULTS_DIR']"
    finally:
        requests.delete(f"{url}/sessions/{session['id']}", headers=headers, timeout=60)
