"""Proxies and ``.netrc`` from the environment still apply although the transport reads them only once.

The fake server stands in for an HTTP forward proxy: a proxied request reaches it with the target's
``Host`` header, which is how these tests tell a proxied request from a direct one.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import requests

from sparkwire.livy._transport import JsonTransport
from tests.livy.conftest import FakeLivy

TARGET = "http://livy.example.invalid:8998"


def test_a_proxy_from_the_environment_is_used_with_netrc_credentials_for_the_target(
    fake_livy: FakeLivy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine livy.example.invalid login bob password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HTTP_PROXY", fake_livy.url)
    fake_livy.reply("GET", "/sessions", {"from": 0, "total": 0, "sessions": []})
    with JsonTransport(TARGET) as transport:
        for _ in range(2):  # the second request uses what the first read
            assert transport.request("GET", "/sessions", idempotent=True).body == {
                "from": 0,
                "total": 0,
                "sessions": [],
            }
    seen = fake_livy.seen("GET", "/sessions")
    assert [request.headers["Host"] for request in seen] == ["livy.example.invalid:8998"] * 2
    expected = "Basic " + base64.b64encode(b"bob:s3cret").decode()
    assert [request.headers.get("Authorization") for request in seen] == [expected] * 2


def test_no_proxy_is_respected(
    fake_livy: FakeLivy, monkeypatch: pytest.MonkeyPatch, unused_port: int
) -> None:
    monkeypatch.setenv(
        "HTTP_PROXY", f"http://127.0.0.1:{unused_port}"
    )  # unreachable: a proxied request fails
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fake_livy.reply("GET", "/sessions", {"from": 0, "total": 0, "sessions": []})
    with JsonTransport(fake_livy.url) as transport:
        assert transport.request("GET", "/sessions", idempotent=True).body["total"] == 0
    assert fake_livy.seen("GET", "/sessions")[0].headers["Host"] == fake_livy.url.removeprefix("http://")


def test_a_callers_session_keeps_reading_the_environment(fake_livy: FakeLivy) -> None:
    session = requests.Session()
    with JsonTransport(fake_livy.url, session=session):
        pass
    assert session.trust_env is True
    session.close()
