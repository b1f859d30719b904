"""Authentication configurations for a Livy endpoint: none, HTTP Basic, Kerberos (SPNEGO), bearer token.

This is the auth interface: an :class:`Auth` is an immutable configuration (built from an endpoint's
settings by ``auth_from_config``) whose :meth:`Auth.requests_auth` gives an object compatible with
``requests.auth.AuthBase``. Cloud sign-in is in ``_cloud_auth``, third-party classes in ``_auth_plugins``.

Each configuration produces a requests auth object; the transport passes it with every request (it
never sets it on a caller's ``requests.Session``). Passwords and tokens are held in :class:`Secret`,
whose ``repr`` and ``str`` are masked, so they do not leak into logs, tracebacks or error messages.
"""

from __future__ import annotations

import abc
import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

import requests
import requests.auth

from ._errors import MissingDependency
from ._secret import Secret
from ._token_command import RefreshingBearer, TokenCommand

__all__ = ["Auth", "BasicAuth", "BearerAuth", "KerberosAuth", "NoAuth"]


def _as_secret(value: str | Secret) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


class Auth(abc.ABC):
    """How to authenticate to a Livy endpoint; subclasses are immutable configurations."""

    @abc.abstractmethod
    def requests_auth(self) -> requests.auth.AuthBase | None:
        """Build the requests auth object, importing optional packages if needed.

        :return: the object for requests' ``auth=``, or ``None`` for no authentication.
        :raises MissingDependency: if an optional package the method needs is not installed.
        """

    @abc.abstractmethod
    def describe(self) -> str:
        """Describe the method for error messages, without any secret (e.g. ``"basic auth as 'alice'"``).

        :return: the description.
        """


@dataclass(frozen=True)
class NoAuth(Auth):
    """No authentication."""

    def requests_auth(self) -> None:
        """:return: ``None``: requests sends no credentials."""

    def describe(self) -> str:
        """:return: ``"no authentication"``."""
        return "no authentication"


@dataclass(frozen=True)
class BasicAuth(Auth):
    """HTTP Basic authentication (Livy behind Knox or another proxy, or sparkwire's gateway).

    :param username: the user name.
    :param password: the password; a plain ``str`` is wrapped in :class:`Secret`.
    """

    username: str
    password: Secret

    def __init__(self, username: str, password: str | Secret) -> None:
        object.__setattr__(self, "username", username)
        object.__setattr__(self, "password", _as_secret(password))

    def requests_auth(self) -> requests.auth.AuthBase:
        """:return: a :class:`requests.auth.HTTPBasicAuth` with the revealed password."""
        return requests.auth.HTTPBasicAuth(self.username, self.password.reveal())

    def describe(self) -> str:
        """:return: ``"basic auth as '<user>'"``."""
        return f"basic auth as {self.username!r}"


class _BearerToken(requests.auth.AuthBase):
    """Sets ``Authorization: Bearer <token>`` on each request."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token.reveal()}"
        return request


@dataclass(frozen=True)
class BearerAuth(Auth):
    """``Authorization: Bearer <token>``, as sparkwire's gateway and many API gateways accept.

    Give either a fixed ``token`` or a ``token_command`` that prints one; the command runs before the
    first request and again after a 401 (see ``_token_command``).

    :param token: the token; a plain ``str`` is wrapped in :class:`Secret`.
    :param token_command: the command printing a token (a command line or its argv).
    :param token_command_timeout: seconds the command may run.
    :raises ValueError: if neither or both of ``token`` and ``token_command`` are given.
    """

    token: Secret | None
    token_command: TokenCommand | None

    def __init__(
        self,
        token: str | Secret | None = None,
        *,
        token_command: str | Sequence[str] | None = None,
        token_command_timeout: float = 30.0,
    ) -> None:
        if (not token) == (not token_command):
            raise ValueError("bearer authentication needs a token or a token_command (one of them)")
        object.__setattr__(self, "token", _as_secret(token) if token else None)
        command = TokenCommand(token_command, token_command_timeout) if token_command else None
        object.__setattr__(self, "token_command", command)

    def requests_auth(self) -> requests.auth.AuthBase:
        """:return: an auth object setting the ``Authorization`` header (refreshing it, for a command)."""
        if self.token_command is not None:
            return RefreshingBearer(self.token_command)
        assert self.token is not None  # one of the two is set (checked in __init__)
        return _BearerToken(self.token)

    def describe(self) -> str:
        """:return: ``"bearer token"``, or which command gives it."""
        if self.token_command is not None:
            return f"a bearer token from {self.token_command.program!r}"
        return "bearer token"


MutualAuthentication = Literal["required", "optional", "disabled"]


@dataclass(frozen=True)
class KerberosAuth(Auth):
    """Kerberos/SPNEGO (``livy.server.auth.type = kerberos``), through the optional requests-kerberos.

    Needs a ticket (``kinit``) and ``pip install 'sparkwire[kerberos]'``.

    :param mutual_authentication: whether the server must prove its identity. ``"optional"`` by
        default: Livy's SPNEGO filter does not always send the token that ``"required"`` checks.
    :param service: the service part of the server principal (``HTTP/host@REALM``).
    :param hostname_override: the host part of the principal when it differs from the URL's host
        (e.g. behind a load balancer).
    :param principal: the client principal to use instead of the default ticket's.
    :param delegate: forward the ticket to the server.
    """

    mutual_authentication: MutualAuthentication = "optional"
    service: str = "HTTP"
    hostname_override: str | None = None
    principal: str | None = None
    delegate: bool = False

    def __post_init__(self) -> None:
        if self.mutual_authentication not in ("required", "optional", "disabled"):
            raise ValueError(
                f"mutual_authentication must be 'required', 'optional' or 'disabled', "
                f"not {self.mutual_authentication!r}"
            )

    def requests_auth(self) -> requests.auth.AuthBase:
        """Import requests-kerberos and configure its auth object.

        :return: a ``requests_kerberos.HTTPKerberosAuth``.
        :raises MissingDependency: if requests-kerberos is not installed.
        """
        try:
            module = importlib.import_module("requests_kerberos")
        except ImportError as exc:
            raise MissingDependency(
                "Kerberos authentication needs the requests-kerberos package, which is not installed. "
                "Install it with: pip install 'sparkwire[kerberos]'",
                package="requests_kerberos",
                install="pip install 'sparkwire[kerberos]'",
            ) from exc
        mutual = {
            "required": module.REQUIRED,
            "optional": module.OPTIONAL,
            "disabled": module.DISABLED,
        }[self.mutual_authentication]
        return cast(
            requests.auth.AuthBase,
            module.HTTPKerberosAuth(
                mutual_authentication=mutual,
                service=self.service,
                hostname_override=self.hostname_override,
                principal=self.principal,
                delegate=self.delegate,
            ),
        )

    def describe(self) -> str:
        """:return: ``"Kerberos"`` (and the principal, if one is set)."""
        return f"Kerberos as {self.principal!r}" if self.principal else "Kerberos"
