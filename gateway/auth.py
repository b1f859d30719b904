"""Authentication and CSRF checks, as one pure ASGI middleware.

Modes: none (loopback only, enforced by settings), a bearer token, or Basic credentials.
CSRF follows Livy's filter: when enabled, POST/PUT/DELETE need an ``X-Requested-By`` header.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .settings import GatewaySettings

__all__ = ["AuthMiddleware", "authenticated_user"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UNSAFE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})


def authenticated_user(scope: Scope) -> str | None:
    """:return: the user name the middleware authenticated, if any (Livy's session owner)."""
    user = scope.get("state", {}).get("sparkwire_user")
    return str(user) if user is not None else None


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class AuthMiddleware:
    """Rejects unauthenticated requests with 401 and CSRF-unsafe ones with 400."""

    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        self._app = app
        self._settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        ok, user = self._check_auth(headers.get("authorization"))
        if not ok:
            await _reply(send, 401, "Authentication required: send valid credentials for this gateway.",
                         {"www-authenticate": 'Basic realm="sparkwire"' if self._settings.auth_mode == "basic"
                          else 'Bearer realm="sparkwire"'})
            return
        if (self._settings.csrf_protection and scope.get("method") in _UNSAFE_METHODS
                and not headers.get("x-requested-by")):
            await _reply(send, 400, "Missing Required Header for CSRF protection: send X-Requested-By.")
            return
        scope.setdefault("state", {})["sparkwire_user"] = user
        await self._app(scope, receive, send)

    def _check_auth(self, header: str | None) -> tuple[bool, str | None]:
        mode = self._settings.auth_mode
        if mode == "none":
            return True, None
        if header is None or " " not in header:
            return False, None
        scheme, _, value = header.partition(" ")
        if mode == "token" and scheme.lower() == "bearer" and self._settings.auth_token is not None:
            return _same(value.strip(), self._settings.auth_token.reveal()), None
        if mode == "basic" and scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return False, None
            expected_user = self._settings.auth_user or ""
            expected_password = self._settings.auth_password.reveal() if self._settings.auth_password else ""
            # Compare both even when the first differs, so timing tells nothing.
            good_user = _same(user, expected_user)
            good_password = _same(password, expected_password)
            return good_user and good_password, user if good_user and good_password else None
        return False, None


async def _reply(send: Send, status: int, message: str, extra: dict[str, str] | None = None) -> None:
    body = json.dumps({"msg": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
