"""Fixtures for the panel's server extension: a Jupyter server with ``sparkwire.panel`` enabled
(pytest-jupyter's ``jp_fetch``) pointed at the real gateway, and a scriptable fake Livy for faults
the gateway cannot produce.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

# pytest-jupyter has no entry point, and only the top-level conftest may set `pytest_plugins`:
# importing its fixtures (and hooks, which run the async tests) here keeps them to this folder.
from pytest_jupyter.jupyter_server import *
from traitlets.config import Config

Reply = tuple[int, Any]
Route = Callable[["FakeRequest"], Reply]


@dataclass
class FakeRequest:
    """One request as the fake server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeLivy:
    """A tiny Livy stand-in: routes are plain functions ``request -> (status, json)``; others 404."""

    url: str = ""
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    requests: list[FakeRequest] = field(default_factory=list)

    def dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        path = handler.path.split("?", 1)[0]
        request = FakeRequest(
            handler.command, path, dict(handler.headers.items()), handler.rfile.read(length)
        )
        self.requests.append(request)
        route = self.routes.get((handler.command, path))
        status, value = route(request) if route else (404, {"msg": f"Not found: {path}"})
        body = json.dumps(value).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@pytest.fixture
def fake_livy() -> Iterator[FakeLivy]:
    """A fresh fake Livy on a free loopback port; stopped in ``finally``."""
    fake = FakeLivy()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.dispatch(self)

        do_POST = do_DELETE = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def sparkwire_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, Any]], Path]:
    """Write a sparkwire config file and point ``SPARKWIRE_CONFIG`` at it (the server reads it per request)."""

    def write(data: dict[str, Any]) -> Path:
        path = tmp_path / "sparkwire-config.json"
        path.write_text(json.dumps(data))
        monkeypatch.setenv("SPARKWIRE_CONFIG", str(path))
        return path

    return write


@pytest.fixture
def jp_server_config(gateway_url: str, sparkwire_config: Callable[[dict[str, Any]], Path]) -> Config:
    """Enable the panel's extension, configured with one endpoint, "gateway": the test gateway.
    Tests may write another configuration with ``sparkwire_config``."""
    sparkwire_config({"endpoints": {"gateway": {"url": gateway_url}}})
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"sparkwire.panel": True}},
            "SparkwirePanel": {"request_timeout": 10.0},
        }
    )
