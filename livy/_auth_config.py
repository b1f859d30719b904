"""Build an :class:`~sparkwire.livy.Auth` from an endpoint's settings: built-ins by name, else a plugin.

Lookup order for ``auth``: a built-in name (case-insensitive, ``-`` and ``_`` alike), then an entry
point of the group ``sparkwire.auth``, then a class path (``package.module:Class`` or
``package.module.Class``).

========================  =========================================================================
name                      settings (``auth_options`` unless said otherwise)
========================  =========================================================================
``none``                  -
``basic``                 ``username``, ``password`` (arguments); sparkmagic's ``Basic_Access``
``bearer``                ``token`` (argument), or ``token_command`` and ``token_command_timeout``
``kerberos``              ``principal``, ``hostname_override``, ``mutual_authentication``, ``service``,
                          ``delegate``
``aws-sigv4``             ``region``, ``service`` (default ``emr-serverless``), ``profile``
``google``                ``token_type`` (``access`` or ``id``), ``audience``, ``scopes``
========================  =========================================================================
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from ._auth import Auth, BasicAuth, BearerAuth, KerberosAuth, NoAuth
from ._auth_plugins import ENTRY_POINT_GROUP, CustomAuth, find_entry_point
from ._cloud_auth import AwsSigV4Auth, GoogleAuth, scopes_of
from ._secret import Secret

__all__ = ["BUILTIN_AUTHS", "AuthSettings", "auth_from_config", "builtin_auth_name"]


@dataclass(frozen=True)
class AuthSettings:
    """What an endpoint configures for its authentication.

    :param username: the user (basic).
    :param password: the password (basic).
    :param token: the token (bearer).
    :param options: the type's other settings (``auth_options``).
    :param url: the endpoint's URL (given to plugin classes).
    """

    username: str | None = None
    password: Secret | None = None
    token: Secret | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    url: str = ""


def _check_options(name: str, options: Mapping[str, Any], known: set[str]) -> None:
    unknown = sorted(set(options) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise ValueError(f"{name} authentication has unknown auth_options {unknown}; known: {listed}")


def _text(options: Mapping[str, Any], key: str) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"auth_options {key!r} must be a string, not {value!r}")  # noqa: TRY004 - a config value
    return value


def _none(settings: AuthSettings) -> Auth:
    _check_options("none", settings.options, set())
    return NoAuth()


def _basic(settings: AuthSettings) -> Auth:
    _check_options("basic", settings.options, set())
    if not settings.username or settings.password is None:
        raise ValueError("basic authentication needs a username and a password")
    return BasicAuth(settings.username, settings.password)


def _bearer(settings: AuthSettings) -> Auth:
    options = settings.options
    _check_options("bearer", options, {"token_command", "token_command_timeout"})
    command = options.get("token_command")
    if command is not None and not (
        isinstance(command, str)
        or (isinstance(command, list) and all(isinstance(part, str) for part in command))
    ):
        raise ValueError(
            f"auth_options 'token_command' must be a command line or a list of strings, not {command!r}"
        )
    timeout = options.get("token_command_timeout", 30.0)
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not (timeout > 0 and math.isfinite(timeout))
    ):
        raise ValueError(
            f"auth_options 'token_command_timeout' must be a positive number of seconds, not {timeout!r}"
        )
    if settings.token and command:
        raise ValueError("bearer authentication takes a token or a token_command, not both")
    if not settings.token and not command:
        raise ValueError("bearer authentication needs a token (or a token_command in auth_options)")
    return BearerAuth(settings.token, token_command=command, token_command_timeout=float(timeout))


def _kerberos(settings: AuthSettings) -> Auth:
    options = settings.options
    _check_options(
        "kerberos",
        options,
        {"principal", "hostname_override", "mutual_authentication", "service", "delegate"},
    )
    mutual = str(options.get("mutual_authentication", "optional")).strip().lower()
    delegate = options.get("delegate", False)
    if not isinstance(delegate, bool):
        raise ValueError(f"auth_options 'delegate' must be true or false, not {delegate!r}")  # noqa: TRY004
    return KerberosAuth(
        mutual_authentication=mutual,  # type: ignore[arg-type]  # checked by KerberosAuth
        service=_text(options, "service") or "HTTP",
        hostname_override=_text(options, "hostname_override"),
        principal=_text(options, "principal"),
        delegate=delegate,
    )


def _aws(settings: AuthSettings) -> Auth:
    options = settings.options
    _check_options("aws-sigv4", options, {"region", "service", "profile"})
    return AwsSigV4Auth(
        region=_text(options, "region"),
        service=_text(options, "service") or "emr-serverless",
        profile=_text(options, "profile"),
    )


def _google(settings: AuthSettings) -> Auth:
    options = settings.options
    _check_options("google", options, {"token_type", "audience", "scopes"})
    scopes = options.get("scopes")
    if scopes is not None and not (
        isinstance(scopes, str)
        or (isinstance(scopes, list) and all(isinstance(scope, str) for scope in scopes))
    ):
        raise ValueError(f"auth_options 'scopes' must be a string or a list of strings, not {scopes!r}")
    return GoogleAuth(
        token_type=str(options.get("token_type", "access")).strip().lower(),  # type: ignore[arg-type]
        audience=_text(options, "audience"),
        scopes=scopes_of(scopes),
    )


BUILTIN_AUTHS: Final[Mapping[str, Callable[[AuthSettings], Auth]]] = MappingProxyType(
    {
        "none": _none,
        "basic": _basic,
        "bearer": _bearer,
        "kerberos": _kerberos,
        "aws_sigv4": _aws,
        "google": _google,
    }
)
"""Built-in authentications by normalised name."""

_ALIASES: Final = MappingProxyType(
    {
        "": "none",
        "basic_access": "basic",
        "token": "bearer",
        "sigv4": "aws_sigv4",
        "aws": "aws_sigv4",
    }
)


def builtin_auth_name(kind: str) -> str | None:
    """The built-in an auth name means.

    :param kind: a name as written in a config file, e.g. ``"Basic_Access"`` or ``"aws-sigv4"``.
    :return: its normalised name (a key of :data:`BUILTIN_AUTHS`), or ``None`` if it is not a built-in.
    """
    normalised = kind.strip().lower().replace("-", "_")
    normalised = _ALIASES.get(normalised, normalised)
    return normalised if normalised in BUILTIN_AUTHS else None


def auth_from_config(
    kind: str,
    *,
    username: str | None = None,
    password: str | Secret | None = None,
    token: str | Secret | None = None,
    options: Mapping[str, Any] | None = None,
    url: str = "",
) -> Auth:
    """Build an :class:`Auth` from configuration values, e.g. an endpoint entry in a config file.

    :param kind: a built-in name (``none``, ``basic``, ``bearer``, ``kerberos``, ``aws-sigv4``, ``google``;
        case-insensitive; sparkmagic's ``Basic_Access`` too), an entry point of the group
        ``sparkwire.auth``, or a class path ``package.module:Class`` / ``package.module.Class``.
    :param username: the user name, for basic (and plugins).
    :param password: the password, for basic (and plugins).
    :param token: the token, for bearer.
    :param options: the type's settings (see the module's table); a plugin receives them all.
    :param url: the endpoint's URL, given to plugins.
    :return: the configuration (a plugin class is imported only when a client is built).
    :raises ValueError: for a missing value or an unknown option; the message names what is wrong.
    """
    settings = AuthSettings(
        username=username,
        password=Secret(password) if password is not None else None,
        token=Secret(token) if token else None,
        options=MappingProxyType(dict(options or {})),
        url=url,
    )
    name = builtin_auth_name(kind)
    if name is not None:
        return BUILTIN_AUTHS[name](settings)
    target = kind.strip()
    if "." not in target and ":" not in target and find_entry_point(target) is None:
        raise ValueError(
            f"unknown authentication type {kind!r}: use one of none, basic, bearer, kerberos, aws-sigv4, "
            f"google, an installed '{ENTRY_POINT_GROUP}' plugin, or a class path like 'package.module:Class'"
        )
    return CustomAuth(
        target=target,
        url=url,
        username=username,
        password=settings.password,
        options=settings.options,
        name=kind.strip(),
    )
