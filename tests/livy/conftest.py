"""Fixtures for the sparkwire.livy tests: a tiny scriptable HTTP server on loopback, run in a thread.

Tests register one plain handler function per route (see ``test_livy_faults.py``); the server
records every request so tests can assert what the client sent (headers, bodies, how many times).
"""

from __future__ import annotations

import itertools
import json
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from sparkwire.livy import LivyClient, RetryPolicy, Timeout

Handler = Callable[["Exchange"], None]


@pytest.fixture(autouse=True)
def no_proxies_or_netrc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests must not go through a developer's proxy or pick up ~/.netrc credentials."""
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("NETRC", "/nonexistent/netrc")


@dataclass
class Exchange:
    """One request as the server saw it, with the means to answer it (or misbehave)."""

    handler: BaseHTTPRequestHandler
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    hit: int  # 1 for the first request to this route, 2 for the second...
    stop: threading.Event

    def json_body(self) -> Any:
        return json.loads(self.body) if self.body else None

    def reply(self, status: int, body: bytes, content_type: str = "application/json", **headers: str) -> None:
        try:
            self.handler.send_response(status)
            self.handler.send_header("Content-Type", content_type)
            self.handler.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.handler.send_header(name.replace("_", "-"), value)
            self.handler.end_headers()
            self.handler.wfile.write(body)
        except OSError:
            pass  # The client gave up (timeout tests); nothing to answer.

    def reply_json(self, status: int, value: Any, **headers: str) -> None:
        self.reply(status, json.dumps(value).encode(), **headers)

    def reset(self) -> None:
        """Abort the connection with a TCP RST instead of answering."""
        connection = self.handler.connection
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.handler.rfile.close()  # drop the makefile reference so close() really closes
        self.handler.wfile.close()
        connection.close()
        self.handler.close_connection = True


@dataclass
class FakeLivy:
    """A scriptable HTTP server; unknown routes answer Livy's 404."""

    url: str
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[Exchange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    _hits: dict[tuple[str, str], Iterator[int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def reply(self, method: str, path: str, value: Any, status: int = 200) -> None:
        """Answer ``method path`` with a fixed JSON value."""
        self.route(method, path, lambda exchange: exchange.reply_json(status, value))

    def sequence(self, method: str, path: str, values: list[Any]) -> None:
        """Answer successive requests with successive JSON values; the last one repeats."""
        self.route(
            method,
            path,
            lambda exchange: exchange.reply_json(200, values[min(exchange.hit, len(values)) - 1]),
        )

    def seen(self, method: str, path: str) -> list[Exchange]:
        return [request for request in self.requests if (request.method, request.path) == (method, path)]

    def dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        key = (handler.command, parts.path)
        with self._lock:
            hit = next(self._hits.setdefault(key, itertools.count(1)))
            exchange = Exchange(
                handler=handler,
                method=handler.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers=dict(handler.headers.items()),
                body=body,
                hit=hit,
                stop=self.stop,
            )
            self.requests.append(exchange)
        route = self.routes.get(key)
        if route is None:
            exchange.reply_json(404, {"msg": f"Not found: {handler.command} {parts.path}"})
        else:
            route(exchange)


def _make_handler(fake: FakeLivy) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.dispatch(self)

        do_POST = do_DELETE = do_PUT = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return RequestHandler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeLivy

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Fault handlers break connections on purpose; record instead of printing tracebacks.
        self.fake.errors.append(f"error while handling {client_address}")


@pytest.fixture
def fake_livy() -> Iterator[FakeLivy]:
    """A fresh fake server on a free loopback port; stopped in ``finally``."""
    fake = FakeLivy(url="")
    server = _Server(("127.0.0.1", 0), _make_handler(fake))
    server.fake = fake
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


FAST_RETRIES = RetryPolicy(retries=2, backoff=0.001, factor=2.0, cap=0.01)


@pytest.fixture
def make_client(fake_livy: FakeLivy) -> Iterator[Callable[..., LivyClient]]:
    """Build clients for the fake server with fast retries and short timeouts; closed at the end."""
    clients: list[LivyClient] = []

    def make(**kwargs: Any) -> LivyClient:
        kwargs.setdefault("timeout", Timeout(connect=2.0, read=2.0))
        kwargs.setdefault("retries", FAST_RETRIES)
        client = LivyClient(kwargs.pop("url", fake_livy.url), **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., LivyClient]) -> LivyClient:
    """A client for the fake server with fast retries."""
    return make_client()


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
