"""Two guards in front of every route: the ``Host`` header on loopback binds, and the body size.

- A loopback gateway answers only to loopback host names, so a web page whose DNS name is rebound to
  127.0.0.1 cannot drive it from a browser (DNS rebinding).
- Request bodies larger than ``max_body_size`` get a 413 before they are read into memory, whether
  they announce their length or stream in chunks.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

from .auth import ASGIApp, Receive, Scope, Send, reply_json
from .settings import GatewaySettings, is_loopback

__all__ = ["BodyLimitMiddleware", "HostCheckMiddleware", "host_allowed"]

_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "ip6-localhost"})


_HOST = re.compile(r"\[(?P<v6>[0-9a-f:.]+)\](:\d{1,5})?|(?P<name>[^:\[\]/@\s]+)(:\d{1,5})?")


def host_allowed(header: str | None, allowed: tuple[str, ...]) -> bool:
    """:return: True when a ``Host`` header names this machine, or one of ``allowed``."""
    if header is None:
        return True  # HTTP/1.0 clients may omit it; a browser always sends it
    match = _HOST.fullmatch(header.strip().lower())
    if match is None:
        return False
    name = (match.group("v6") or match.group("name") or "").rstrip(".")
    return name in _LOOPBACK_NAMES or is_loopback(name) or name in {a.lower() for a in allowed}


class HostCheckMiddleware:
    """On a loopback bind, refuses requests whose ``Host`` is not a loopback name (400)."""

    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        self._app = app
        self._active = is_loopback(settings.host)
        self._allowed = settings.allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._active and scope["type"] == "http":
            hosts = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"]
            if len(hosts) > 1 or not host_allowed(hosts[0] if hosts else None, self._allowed):
                await reply_json(
                    send,
                    400,
                    "Host header not allowed: this gateway listens on loopback and "
                    "answers only to localhost names. To reach it under another "
                    "name, add it to the gateway setting allowed_hosts.",
                )
                return
        await self._app(scope, receive, send)


class _TooLarge(HTTPException):
    """Raised from ``receive``; an HTTPException so FastAPI's body parsing lets it through as a 413."""


class BodyLimitMiddleware:
    """Answers 413 to request bodies over ``max_body_size`` bytes."""

    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        self._app = app
        self._limit = settings.max_body_size

    def _message(self) -> str:
        return (
            f"Request body too large: the gateway accepts at most {self._limit} bytes "
            f"(setting max_body_size). Send large data through storage Spark can read instead."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        lengths = [v for k, v in scope.get("headers", []) if k.lower() == b"content-length"]
        if lengths and (not lengths[0].isdigit() or int(lengths[0]) > self._limit):
            await reply_json(send, 413, self._message())
            return
        received = 0
        started = False

        async def limited_receive() -> MutableMapping[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self._limit:
                    raise _TooLarge(413, self._message())
            return message

        async def tracking_send(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await reply_json(send, 413, self._message())
