"""Authentication and CSRF checks, as one pure ASGI middleware.

Modes (``GatewaySettings.auth_mode``): ``none`` (loopback only, enforced by settings), ``token`` (one
shared bearer token), ``basic`` (one user), ``users`` (a users file: Basic passwords and per-user
bearer tokens) and ``kerberos`` (SPNEGO). CSRF follows Livy's filter: when enabled, POST/PUT/DELETE
need an ``X-Requested-By`` header.

The ``Authorization`` header is parsed strictly: visible ASCII only, one scheme, one space, one
RFC 7235 token68. Non-ASCII whitespace (``\\xa0``, ``\\x85``) that ``str.strip`` would remove is an
error, never an empty credential. Secrets are compared in constant time.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from .settings import GatewaySettings
from .spnego import SpnegoAcceptor
from .users import UserDirectory

__all__ = [
    "AuthMiddleware",
    "Authenticator",
    "Verdict",
    "authenticated_user",
    "build_authenticator",
    "parse_authorization",
]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UNSAFE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
_AUTHORIZATION = re.compile(rb"(?P<scheme>[A-Za-z][A-Za-z0-9-]*) (?P<credentials>[A-Za-z0-9\-._~+/]+=*)")


def authenticated_user(scope: Scope) -> str | None:
    """:return: the user name the middleware authenticated, if any (Livy's session owner)."""
    user = scope.get("state", {}).get("sparkwire_user")
    return str(user) if user is not None else None


def parse_authorization(values: list[bytes]) -> tuple[str, str] | None:
    """Parse ``Authorization`` header values strictly.

    :return: (scheme in lower case, credentials), or None for no header, several headers, or one that is
        not ``<scheme> <token68>`` in visible ASCII.
    """
    if len(values) != 1:
        return None
    match = _AUTHORIZATION.fullmatch(values[0])
    if match is None:
        return None
    return match.group("scheme").decode().lower(), match.group("credentials").decode()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


@dataclass(frozen=True)
class Verdict:
    """Whether a request may pass, as whom, and what to tell the client."""

    ok: bool
    user: str | None = None
    reason: str = "send valid credentials for this gateway"
    reply_header: str | None = None  # a final SPNEGO token for ``WWW-Authenticate``


class Authenticator:
    """Checks the ``Authorization`` header for one auth mode.

    :param settings: the gateway settings (mode, token, Basic credentials).
    :param users: the users file, for mode ``users``.
    :param spnego: the Kerberos acceptor, for mode ``kerberos``.
    """

    def __init__(
        self,
        settings: GatewaySettings,
        users: UserDirectory | None = None,
        spnego: SpnegoAcceptor | None = None,
    ) -> None:
        self.mode = settings.auth_mode
        self._settings = settings
        self._users = users
        self._spnego = spnego
        self._hashing = asyncio.Semaphore(2)

    def challenges(self) -> list[str]:
        """:return: the ``WWW-Authenticate`` values of a 401."""
        return {
            "token": ['Bearer realm="sparkwire"'],
            "basic": ['Basic realm="sparkwire"'],
            "users": ['Basic realm="sparkwire"', 'Bearer realm="sparkwire"'],
            "kerberos": ["Negotiate"],
        }.get(self.mode, [])

    async def check(self, header_values: list[bytes]) -> Verdict:
        """:return: the verdict for a request carrying these ``Authorization`` values."""
        if self.mode == "none":
            return Verdict(True)
        if not header_values and self.mode == "kerberos":
            return Verdict(
                False,
                reason="this gateway uses Kerberos (SPNEGO): get a ticket with kinit, then "
                "use a client with Kerberos auth (e.g. auth: kerberos, curl --negotiate -u :)",
            )
        if not header_values:
            return Verdict(
                False,
                reason="send credentials for this gateway "
                f"({' or '.join(c.split()[0] for c in self.challenges())})",
            )
        parsed = parse_authorization(header_values)
        if parsed is None:
            return Verdict(
                False,
                reason="the Authorization header is malformed: send one "
                "'<scheme> <credentials>' header in plain ASCII",
            )
        scheme, credentials = parsed
        if scheme == "bearer" and self.mode in ("token", "users"):
            return self._bearer(credentials)
        if scheme == "basic" and self.mode in ("basic", "users"):
            return await self._basic(credentials)
        if scheme == "negotiate" and self.mode == "kerberos" and self._spnego is not None:
            result = self._spnego.accept(credentials)
            if result.user is None:
                return Verdict(False, reason=f"Kerberos authentication failed: {result.error}")
            return Verdict(True, result.user, reply_header=result.reply_token)
        return Verdict(
            False,
            reason=f"this gateway does not accept {scheme.capitalize()} credentials; "
            f"it uses {self.mode} authentication",
        )

    def _bearer(self, token: str) -> Verdict:
        if self.mode == "users" and self._users is not None:
            user = self._users.user_for_token(token)
            return Verdict(user is not None, user)
        expected = self._settings.auth_token.reveal() if self._settings.auth_token else None
        return Verdict(expected is not None and _same(token, expected))

    async def _basic(self, credentials: str) -> Verdict:
        try:
            user, colon, password = base64.b64decode(credentials, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return Verdict(False, reason="the Basic credentials are not base64 of 'user:password'")
        if not colon or not user or not password:
            return Verdict(False, reason="the Basic credentials need a user and a password")
        if self.mode == "users" and self._users is not None:
            if self._users.recently_verified(user, password):
                return Verdict(True, user)
            # Argon2 is slow and memory-hard on purpose: off the event loop, a couple at a time.
            async with self._hashing:
                return Verdict(await asyncio.to_thread(self._users.check_password, user, password), user)
        expected_user = self._settings.auth_user or ""
        expected_password = self._settings.auth_password.reveal() if self._settings.auth_password else ""
        # Compare both even when the first differs, so timing tells nothing.
        good_user = _same(user, expected_user)
        good_password = _same(password, expected_password)
        return Verdict(good_user and good_password, user)


def build_authenticator(settings: GatewaySettings) -> Authenticator:
    """Load what the auth mode needs (the users file, the Kerberos key).

    :raises UsersFileError: the users file is missing or malformed.
    :raises RuntimeError: Kerberos is asked for but cannot be used (no gssapi, no key in the keytab).
    """
    users = (
        UserDirectory.from_file(settings.users_file)
        if settings.auth_mode == "users" and settings.users_file
        else None
    )
    spnego = None
    if settings.auth_mode == "kerberos":
        assert settings.kerberos_principal is not None and settings.kerberos_keytab is not None
        spnego = SpnegoAcceptor(settings.kerberos_principal, settings.kerberos_keytab)
    return Authenticator(settings, users, spnego)


class AuthMiddleware:
    """Rejects unauthenticated requests with 401 and CSRF-unsafe ones with 400."""

    def __init__(self, app: ASGIApp, settings: GatewaySettings, authenticator: Authenticator) -> None:
        self._app = app
        self._settings = settings
        self._authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        raw_headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        verdict = await self._authenticator.check(
            [v for k, v in raw_headers if k.lower() == b"authorization"]
        )
        if not verdict.ok or (verdict.user is None and self._authenticator.mode in ("users", "kerberos")):
            await reply_json(
                send,
                401,
                f"Authentication required: {verdict.reason}.",
                [("www-authenticate", c) for c in self._authenticator.challenges()],
            )
            return
        if (
            self._settings.csrf_protection
            and scope.get("method") in _UNSAFE_METHODS
            and not any(k.lower() == b"x-requested-by" and v for k, v in raw_headers)
        ):
            await reply_json(send, 400, "Missing Required Header for CSRF protection: send X-Requested-By.")
            return
        scope.setdefault("state", {})["sparkwire_user"] = verdict.user
        if verdict.reply_header is None:
            await self._app(scope, receive, send)
            return
        final_token = f"Negotiate {verdict.reply_header}".encode()

        async def send_with_token(message: MutableMapping[str, Any]) -> None:
            # Mutual authentication: the server proves itself with its last SPNEGO token.
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"www-authenticate", final_token)]
            await send(message)

        await self._app(scope, receive, send_with_token)


async def reply_json(
    send: Send, status: int, message: str, extra: list[tuple[str, str]] | None = None
) -> None:
    """Send a complete ``{"msg": message}`` answer from a middleware."""
    body = json.dumps({"msg": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
