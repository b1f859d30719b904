"""Authentication configurations for a Livy endpoint: none, HTTP Basic, Kerberos (SPNEGO), bearer token.

Each configuration produces a requests auth object; the transport passes it with every request (it
never sets it on a caller's ``requests.Session``). Passwords and tokens are held in :class:`Secret`,
whose ``repr`` and ``str`` are masked, so they do not leak into logs, tracebacks or error messages.
"""

from __future__ import annotations

import abc
import hmac
import importlib
from dataclasses import dataclass
from typing import Literal, cast

import requests
import requests.auth

from ._errors import MissingDependency

__all__ = [
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "KerberosAuth",
    "NoAuth",
    "Secret",
    "auth_from_config",
]

_MASK = "**********"


class Secret:
    """A password or token whose ``repr`` and ``str`` are masked; :meth:`reveal` gives the value.

    :param value: the secret text.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str | Secret) -> None:
        self._value = value.reveal() if isinstance(value, Secret) else value

    def reveal(self) -> str:
        """The secret text itself; pass it only to the code that needs it.

        :return: the unmasked value.
        """
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{_MASK}')"

    def __str__(self) -> str:
        return _MASK

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        # Constant-time, as for any comparison of credentials.
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))


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

    :param token: the token; a plain ``str`` is wrapped in :class:`Secret`.
    """

    token: Secret

    def __init__(self, token: str | Secret) -> None:
        object.__setattr__(self, "token", _as_secret(token))

    def requests_auth(self) -> requests.auth.AuthBase:
        """:return: an auth object setting the ``Authorization`` header."""
        return _BearerToken(self.token)

    def describe(self) -> str:
        """:return: ``"bearer token"``."""
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


def auth_from_config(
    kind: str,
    *,
    username: str | None = None,
    password: str | Secret | None = None,
    token: str | Secret | None = None,
) -> Auth:
    """Build an :class:`Auth` from configuration values, e.g. an endpoint entry in a config file.

    :param kind: ``"none"``, ``"basic"`` (also sparkmagic's ``"Basic_Access"``), ``"kerberos"`` or
        ``"bearer"``; case-insensitive.
    :param username: the user name, for basic.
    :param password: the password, for basic.
    :param token: the token, for bearer.
    :return: the configuration.
    :raises ValueError: for an unknown kind or a missing value; the message names what is missing.
    """
    normalised = kind.strip().lower().replace("-", "_")
    if normalised in ("none", ""):
        return NoAuth()
    if normalised in ("basic", "basic_access"):
        if not username or password is None:
            raise ValueError("basic authentication needs a username and a password")
        return BasicAuth(username, password)
    if normalised == "kerberos":
        return KerberosAuth()
    if normalised in ("bearer", "token"):
        if not token:
            raise ValueError("bearer authentication needs a token")
        return BearerAuth(token)
    raise ValueError(f"unknown authentication type {kind!r}: use one of none, basic, kerberos, bearer")
