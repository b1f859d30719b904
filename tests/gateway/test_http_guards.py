"""Host header on loopback binds (DNS rebinding) and the request body limit (issue 11, network surface)."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest
import requests

from sparkwire.gateway.http_guards import host_allowed
from tests.support.gateway_process import RunningGateway
from tests.support.livy_http import HEADERS


@pytest.mark.parametrize(
    "host", ["localhost:8998", "127.0.0.1:8998", "[::1]:8998", "LOCALHOST", "127.0.0.1", "localhost.", None]
)
def test_loopback_host_names_are_allowed(host: str | None) -> None:
    assert host_allowed(host, ())


@pytest.mark.parametrize(
    "host",
    ["evil.example.com", "evil.example.com:8998", "localhost.evil.com", "127.0.0.1.nip.io", "[::1].evil"],
)
def test_other_host_names_are_refused(host: str) -> None:
    assert not host_allowed(host, ())
    assert host_allowed("notebooks.example.com:80", ("notebooks.example.com",))


def test_rebound_host_header_gets_a_400(gateway: RunningGateway) -> None:
    """Finding: the Host header was not checked, so DNS rebinding could drive a loopback gateway."""
    reply = requests.get(f"{gateway.url}/sessions", headers={"Host": "attacker.example"}, timeout=10)
    assert reply.status_code == 400 and "Host header not allowed" in reply.json()["msg"]
    assert (
        requests.get(
            f"{gateway.url}/sessions", headers={"Host": f"localhost:{gateway.port}"}, timeout=10
        ).status_code
        == 200
    )


def _chunks(total: int, size: int = 1 << 20) -> Iterator[bytes]:
    for _ in range(total // size):
        yield b" " * size


def test_body_over_the_limit_gets_a_413_with_a_message(gateway: RunningGateway) -> None:
    """Finding: no body limit: a 300 MB body was parsed, 50 MB bodies grew the gateway to 262 MB."""
    big = b" " * (17 * 1024 * 1024)
    reply = requests.post(f"{gateway.url}/sessions", data=big, headers=HEADERS, timeout=60)
    assert reply.status_code == 413 and "max_body_size" in reply.json()["msg"]
    # A chunked body has no Content-Length: it is counted as it arrives.
    chunked = requests.post(
        f"{gateway.url}/sessions", data=_chunks(20 * 1024 * 1024), headers=HEADERS, timeout=60
    )
    assert chunked.status_code == 413 and "max_body_size" in chunked.json()["msg"]


def test_lying_content_length_is_refused(gateway: RunningGateway) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    try:
        connection.putrequest("POST", "/sessions")
        connection.putheader("Content-Length", "999999999999")
        connection.endheaders()
        assert connection.getresponse().status == 413
    finally:
        connection.close()
