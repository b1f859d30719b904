"""The REST surface: Livy's shapes and status codes, and bad input always a 4xx with a message."""

from __future__ import annotations

import requests

from tests.support.livy_http import HEADERS, create_session, wait_session

SESSION_KEYS = {"id", "name", "appId", "owner", "proxyUser", "state", "kind", "appInfo", "log"}


def test_version_reports_the_livy_api_it_speaks(gateway_url: str) -> None:
    body = requests.get(f"{gateway_url}/version", timeout=10).json()
    assert body["version"].startswith("0.8.0")
    assert body["gateway"] == "sparkwire"


def test_session_shape_list_state_and_lookup_by_name(gateway_url: str, pyspark_session: int) -> None:
    session = requests.get(f"{gateway_url}/sessions/{pyspark_session}", timeout=10).json()
    assert set(session) == SESSION_KEYS
    assert session["kind"] == "pyspark" and session["state"] == "idle"
    assert session["appId"].startswith("local-")
    assert set(session["appInfo"]) == {"driverLogUrl", "sparkUiUrl"}
    by_name = requests.get(f"{gateway_url}/sessions/shared-tests-pyspark", timeout=10).json()
    assert by_name["id"] == pyspark_session
    state = requests.get(f"{gateway_url}/sessions/{pyspark_session}/state", timeout=10).json()
    assert state == {"id": pyspark_session, "state": "idle"}
    listing = requests.get(f"{gateway_url}/sessions", timeout=10).json()
    assert set(listing) == {"from", "total", "sessions"}
    assert pyspark_session in [s["id"] for s in listing["sessions"]]
    paged = requests.get(
        f"{gateway_url}/sessions", params={"from": listing["total"], "size": 5}, timeout=10
    ).json()
    assert paged == {"from": listing["total"], "total": listing["total"], "sessions": []}


def test_log_paging_follows_livy(gateway_url: str, pyspark_session: int) -> None:
    everything = requests.get(
        f"{gateway_url}/sessions/{pyspark_session}/log", params={"size": -1}, timeout=10
    ).json()
    assert everything["total"] == len(everything["log"]) > 2
    assert any("sparkwire: session ready" in line for line in everything["log"])
    last_two = requests.get(
        f"{gateway_url}/sessions/{pyspark_session}/log", params={"size": 2}, timeout=10
    ).json()
    assert last_two["log"] == everything["log"][-2:] and last_two["from"] == everything["total"] - 2
    first = requests.get(
        f"{gateway_url}/sessions/{pyspark_session}/log", params={"from": 0, "size": 1}, timeout=10
    ).json()
    assert first["log"] == everything["log"][:1] and first["from"] == 0


def _assert_4xx(reply: requests.Response, status: int, fragment: str) -> None:
    assert reply.status_code == status, reply.text
    assert fragment.lower() in reply.json()["msg"].lower()


def test_bad_requests_get_4xx_with_a_message(gateway_url: str, pyspark_session: int) -> None:
    post = lambda path, **kw: requests.post(gateway_url + path, headers=HEADERS, timeout=10, **kw)
    _assert_4xx(post("/sessions", data="{not json"), 400, "malformed json")
    _assert_4xx(post("/sessions", json={"kind": "cobol"}), 400, "unknown kind")
    _assert_4xx(post("/sessions", json={"kind": "sparkr"}), 400, "does not run")
    _assert_4xx(post("/sessions", json={"kind": "pyspark", "driverMemmory": "1g"}), 400, "driverMemmory")
    _assert_4xx(post("/sessions", json={"numExecutors": -2}), 400, "positive")
    _assert_4xx(post("/sessions", json={"ttl": "forever"}), 400, "duration")
    _assert_4xx(post("/sessions", json=["a", "list"]), 400, "invalid request")
    _assert_4xx(post(f"/sessions/{pyspark_session}/statements", json={}), 400, "code")
    _assert_4xx(
        post(f"/sessions/{pyspark_session}/statements", json={"code": "1", "kind": "sparkr"}),
        400,
        "does not run",
    )
    _assert_4xx(post(f"/sessions/{pyspark_session}/statements", data="nope"), 400, "malformed json")
    get = lambda path, **kw: requests.get(gateway_url + path, timeout=10, **kw)
    _assert_4xx(get("/sessions", params={"from": -1}), 400, "positive")
    _assert_4xx(get("/sessions", params={"size": -5}), 400, "positive")
    _assert_4xx(get("/sessions", params={"size": "ten"}), 400, "size")
    _assert_4xx(get(f"/sessions/{pyspark_session}/statements", params={"size": -1}), 400, "positive")
    _assert_4xx(get(f"/sessions/{pyspark_session}/log", params={"from": -3}), 400, "from")


def test_unknown_ids_are_404(gateway_url: str, pyspark_session: int) -> None:
    assert requests.get(f"{gateway_url}/sessions/9999", timeout=10).json() == {
        "msg": "Session '9999' not found."
    }
    assert requests.get(f"{gateway_url}/sessions/9999", timeout=10).status_code == 404
    assert requests.delete(f"{gateway_url}/sessions/9999", headers=HEADERS, timeout=10).status_code == 404
    assert requests.get(f"{gateway_url}/sessions/no-such-name/state", timeout=10).status_code == 404
    assert (
        requests.get(f"{gateway_url}/sessions/{pyspark_session}/statements/9999", timeout=10).status_code
        == 404
    )
    assert (
        requests.get(f"{gateway_url}/sessions/{pyspark_session}/statements/abc", timeout=10).status_code
        == 400
    )
    assert requests.get(f"{gateway_url}/nowhere", timeout=10).status_code == 404
    assert (
        requests.post(
            f"{gateway_url}/sessions/9999/statements", json={"code": "1"}, headers=HEADERS, timeout=10
        ).status_code
        == 404
    )


def test_cancel_answers_canceled_even_for_unknown_statements(gateway_url: str, pyspark_session: int) -> None:
    reply = requests.post(
        f"{gateway_url}/sessions/{pyspark_session}/statements/4242/cancel", headers=HEADERS, timeout=10
    )
    assert reply.status_code == 200 and reply.json() == {"msg": "canceled"}


def test_shared_session_statement_without_kind_is_400(gateway_url: str, shared_session: int) -> None:
    reply = requests.post(
        f"{gateway_url}/sessions/{shared_session}/statements", json={"code": "1"}, headers=HEADERS, timeout=10
    )
    _assert_4xx(reply, 400, "must name its kind")


def test_duplicate_session_name_is_400(gateway_url: str, pyspark_session: int) -> None:
    reply = requests.post(
        f"{gateway_url}/sessions", json={"name": "shared-tests-pyspark"}, headers=HEADERS, timeout=10
    )
    _assert_4xx(reply, 400, "duplicate")


def test_openapi_document_is_served(gateway_url: str) -> None:
    spec = requests.get(f"{gateway_url}/openapi.json", timeout=10).json()
    assert "/sessions/{session_ref}/statements" in spec["paths"]


def test_delete_then_404(gateway_url: str) -> None:
    session = create_session(gateway_url, {"kind": "sql", "name": "short-lived"})
    wait_session(gateway_url, session["id"])
    reply = requests.delete(f"{gateway_url}/sessions/{session['id']}", headers=HEADERS, timeout=60)
    assert reply.status_code == 200 and reply.json() == {"msg": "deleted"}
    assert requests.get(f"{gateway_url}/sessions/{session['id']}", timeout=10).status_code == 404
    assert (
        requests.delete(f"{gateway_url}/sessions/{session['id']}", headers=HEADERS, timeout=10).status_code
        == 404
    )
