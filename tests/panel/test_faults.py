"""Failures the real gateway cannot produce on demand, served by a fake Livy: an endpoint without
``/batches``, one refusing our credentials, one that is down. Credentials never reach the browser."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.panel.api import Fetch, call
from tests.panel.conftest import FakeLivy, FakeRequest

PASSWORD = "pa55-w0rd-never-shown"


def one_idle_session(request: FakeRequest) -> tuple[int, Any]:
    """A Livy 0.5 answer: no name, no appInfo; the panel must not need them."""
    return 200, {"from": 0, "total": 1, "sessions": [{"id": 4, "state": "idle", "kind": "pyspark"}]}


def refuse_credentials(request: FakeRequest) -> tuple[int, Any]:
    """What Knox or Livy's auth filter answers to a wrong password (an HTML page, not JSON)."""
    return 401, "<html><body>Unauthorized</body></html>"


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_an_endpoint_without_batches_says_so_instead_of_failing(
    jp_fetch: Fetch, fake_livy: FakeLivy, sparkwire_config: Callable[[dict[str, Any]], Path]
) -> None:
    fake_livy.routes[("GET", "/sessions")] = one_idle_session
    sparkwire_config({"endpoints": {"old-livy": {"url": fake_livy.url}}})
    status, body = await call(jp_fetch, "GET", "endpoints", "old-livy", "batches")
    assert (status, body) == (200, {"available": False, "batches": []})
    status, body = await call(jp_fetch, "GET", "endpoints", "old-livy", "sessions")
    assert status == 200
    assert body["sessions"][0] | {"firstSeen": 0} == {
        "id": 4,
        "name": None,
        "kind": "pyspark",
        "state": "idle",
        "owner": None,
        "proxyUser": None,
        "appId": None,
        "sparkUiUrl": None,
        "driverLogUrl": None,
        "firstSeen": 0,
        "seenAtStart": True,  # there before the panel's first listing: its age is a lower bound
    }


async def test_refused_credentials_are_a_502_that_never_shows_them(
    jp_fetch: Fetch, fake_livy: FakeLivy, sparkwire_config: Callable[[dict[str, Any]], Path]
) -> None:
    fake_livy.routes[("GET", "/sessions")] = refuse_credentials
    fake_livy.routes[("POST", "/sessions")] = refuse_credentials
    sparkwire_config(
        {
            "default_endpoint": "knox",
            "endpoints": {
                "knox": {"url": fake_livy.url, "auth": "basic", "user": "alice", "password": PASSWORD},
                "inline": {"url": fake_livy.url.replace("http://", f"http://bob:{PASSWORD}@")},
            },
        }
    )
    status, listing = await call(jp_fetch, "GET", "endpoints")
    assert status == 200, listing
    assert {e["name"]: (e["url"], e["auth"]) for e in listing["endpoints"]} == {
        "knox": (fake_livy.url, "basic"),
        # The engine sends URL credentials only with an explicit auth; either way they stay hidden.
        "inline": (fake_livy.url, "none"),
    }
    answers = [await call(jp_fetch, "GET", "endpoints", name, "sessions") for name in ("knox", "inline")]
    answers.append(await call(jp_fetch, "POST", "endpoints", "knox", "sessions", body={"kind": "pyspark"}))
    for status, body in answers:
        assert status == 502, body
        assert body["reason"] == "AuthenticationFailed"
        assert "401" in body["message"]
    assert PASSWORD not in repr(listing) + repr(answers)
    assert fake_livy.requests[0].headers["Authorization"].startswith("Basic ")


async def test_an_unreachable_endpoint_is_a_502_naming_it(
    jp_fetch: Fetch, sparkwire_config: Callable[[dict[str, Any]], Path]
) -> None:
    url = f"http://127.0.0.1:{_unused_port()}"
    sparkwire_config({"endpoints": {"down": {"url": url}}})
    status, body = await call(jp_fetch, "GET", "endpoints", "down", "sessions")
    assert status == 502
    assert body["reason"] == "EndpointUnreachable" and url in body["message"]


async def test_a_broken_config_file_is_a_500_naming_the_file(
    jp_fetch: Fetch, sparkwire_config: Callable[[dict[str, Any]], Path]
) -> None:
    path = sparkwire_config({"endpoints": {"x": {"url": "ftp://nope"}}})
    status, body = await call(jp_fetch, "GET", "endpoints")
    assert status == 500
    assert body["reason"] == "ConfigError" and str(path) in body["message"]


async def test_requests_without_the_jupyter_token_are_refused(jp_fetch: Fetch) -> None:
    for method in ("GET", "POST", "DELETE"):
        parts = ("endpoints",) if method == "GET" else ("endpoints", "gateway", "sessions", "1")
        response = await jp_fetch(
            "sparkwire",
            *parts,
            method=method,
            headers={"Authorization": ""},
            raise_error=False,
            **({"body": "{}"} if method == "POST" else {}),
        )
        assert response.code in (401, 403), (method, response.code)
