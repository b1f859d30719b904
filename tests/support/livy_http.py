"""Raw HTTP helpers for gateway tests: they check the wire format, so they avoid our own client."""

from __future__ import annotations

import time
from typing import Any

import requests

HEADERS = {"Content-Type": "application/json", "X-Requested-By": "tests"}


def create_session(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    reply = requests.post(f"{url}/sessions", json=body or {}, headers=HEADERS, timeout=30)
    assert reply.status_code == 201, reply.text
    assert reply.headers["Location"] == f"/sessions/{reply.json()['id']}"
    result: dict[str, Any] = reply.json()
    return result


def wait_session(
    url: str, session_id: int, states: tuple[str, ...] = ("idle",), timeout: float = 180
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session: dict[str, Any] = requests.get(f"{url}/sessions/{session_id}", timeout=10).json()
        if session["state"] in states:
            return session
        if session["state"] in ("dead", "error", "killed", "success"):
            log = requests.get(f"{url}/sessions/{session_id}/log", params={"size": 60}, timeout=10).json()
            raise AssertionError(f"session {session_id} is {session['state']}:\n" + "\n".join(log["log"]))
        time.sleep(0.1)
    raise AssertionError(f"session {session_id} did not reach {states} in {timeout}s")


def submit(url: str, session_id: int, code: str, kind: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code}
    if kind is not None:
        body["kind"] = kind
    reply = requests.post(f"{url}/sessions/{session_id}/statements", json=body, headers=HEADERS, timeout=30)
    assert reply.status_code == 201, reply.text
    result: dict[str, Any] = reply.json()
    return result


def wait_statement(url: str, session_id: int, statement_id: int, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        statement: dict[str, Any] = requests.get(
            f"{url}/sessions/{session_id}/statements/{statement_id}", timeout=10
        ).json()
        if statement["state"] in ("available", "cancelled", "error"):
            return statement
        time.sleep(0.05)
    raise AssertionError(f"statement {statement_id} did not finish in {timeout}s")


def cancel(url: str, session_id: int, statement_id: int) -> dict[str, Any]:
    """Ask to cancel a statement; return the gateway's answer (``{"msg": "canceled"}``)."""
    reply = requests.post(
        f"{url}/sessions/{session_id}/statements/{statement_id}/cancel", headers=HEADERS, timeout=10
    )
    assert reply.status_code == 200, reply.text
    result: dict[str, Any] = reply.json()
    return result


def run(url: str, session_id: int, code: str, kind: str | None = None) -> dict[str, Any]:
    """Submit and wait; return the finished statement."""
    return wait_statement(url, session_id, submit(url, session_id, code, kind)["id"])
