"""One Livy endpoint of the configuration: URL, authentication, TLS, retries, proxy user.

The file format (an entry under ``"endpoints"``) is documented in ``docs/configuration.md``; the
kernel, the magics, the panel and the batch CLI all read endpoints through this one module.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from sparkwire.livy import Auth, RetryPolicy, Secret, auth_from_config, builtin_auth_name

from .errors import ConfigError, ConfigWarning

__all__ = [
    "ENDPOINT_KEYS",
    "PROXY_USER_PLACEHOLDERS",
    "SPARKMAGIC_CLASSES",
    "AuthType",
    "EndpointConfig",
    "auth_name",
    "config_bool",
    "note_unknown_keys",
    "parse_authenticators",
    "parse_endpoint",
    "parse_retry_policy",
    "resolve_auth",
]

AuthType = str
"""A built-in name (``none``, ``basic``, ``bearer``, ``kerberos``, ``aws-sigv4``, ``google``), a
``sparkwire.auth`` entry point, or a class path (``package.module:Class``)."""

ENDPOINT_KEYS: Final = frozenset(
    {
        "url",
        "auth",
        "auth_options",
        "user",
        "username",
        "password",
        "token",
        "verify",
        "ca_bundle",
        "client_cert",
        "client_key",
        "headers",
        "proxy_user",
        "retry_policy",
    }
)
PROXY_USER_PLACEHOLDERS: Final = ("JUPYTERHUB_USER", "USER")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_RETRY_KEYS: Final = frozenset({"max_retries", "backoff", "factor", "cap"})
SPARKMAGIC_CLASSES: Final = MappingProxyType(
    {
        "sparkmagic.auth.customauth.Authenticator": "none",
        "sparkmagic.auth.basic.Basic": "basic",
        "sparkmagic.auth.kerberos.Kerberos": "kerberos",
    }
)
"""sparkmagic's own authenticator classes, which sparkwire's built-ins replace (no sparkmagic needed)."""
_NO_AUTHENTICATORS: Final[Mapping[str, str]] = MappingProxyType({})


def parse_authenticators(value: Any, where: str) -> Mapping[str, str]:
    """Read an ``"authenticators"`` map (sparkmagic's): auth name → class path.

    :param value: the JSON value, or ``None``.
    :param where: what to name in errors.
    :return: the map.
    :raises ConfigError: if it is not an object of non-empty strings.
    """
    if value is None:
        return _NO_AUTHENTICATORS
    if not isinstance(value, Mapping) or not all(
        isinstance(path, str) and path.strip() for path in value.values()
    ):
        raise ConfigError(
            f'{where}: "authenticators" must map auth names to class paths, e.g. '
            '{"Google": "googledataprocauthenticator.google.GoogleAuth"}.'
        )
    return MappingProxyType({str(name): path.strip() for name, path in value.items()})


def resolve_auth(value: str, authenticators: Mapping[str, str]) -> str:
    """What an auth name means given an ``authenticators`` map: its class path (sparkmagic's own classes
    become the built-ins), or the name itself.

    :param value: the name, as in a file, the environment or ``%spark add -t``.
    :param authenticators: the map.
    :return: the name to build the auth from.
    """
    path = authenticators.get(value.strip())
    return SPARKMAGIC_CLASSES.get(path, path) if path else value


def auth_name(value: Any, where: str) -> AuthType:
    """The canonical spelling of an auth name: built-ins lower-case with dashes, others as written.

    :param value: the name from a file, the environment or a magic.
    :param where: what to name in the error.
    :return: the name.
    :raises ConfigError: if it is not a string.
    """
    if value is None:
        return "none"
    if not isinstance(value, str):
        raise ConfigError(f'{where}: "auth" must be a name or a class path, not {value!r}.')
    builtin = builtin_auth_name(value)
    return builtin.replace("_", "-") if builtin is not None else value.strip()


@dataclass(frozen=True)
class EndpointConfig:
    """One Livy endpoint. Secrets are :class:`~sparkwire.livy.Secret` (masked in ``repr``); header values
    and auth options are left out of ``repr`` as they may carry tokens.

    :param name: the endpoint's name in the config file.
    :param url: the Livy base URL.
    :param auth: the authentication: a built-in name, an entry-point name, or a class path.
    :param username: the user, for basic auth (and plugins).
    :param password: the password, for basic auth (and plugins).
    :param token: the token, for bearer auth.
    :param verify: verify TLS certificates (``False`` is insecure).
    :param ca_bundle: the CA bundle to verify with, instead of the system's.
    :param headers: extra HTTP headers for every request.
    :param auth_options: the auth type's settings (Kerberos principal, AWS region, token command...).
    :param client_cert: a client certificate (PEM) for mutual TLS.
    :param client_key: the client certificate's key, if it is not in ``client_cert``'s file.
    :param proxy_user: the ``proxyUser`` of new sessions and batches; may hold ``{JUPYTERHUB_USER}``
        or ``{USER}``, filled in from the environment.
    :param retry_policy: how safe-to-repeat requests are repeated; ``None`` for the client's default.
    """

    name: str
    url: str
    auth: AuthType = "none"
    username: str | None = None
    password: Secret | None = None
    token: Secret | None = None
    verify: bool = True
    ca_bundle: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    auth_options: Mapping[str, Any] = field(default_factory=dict, repr=False)
    client_cert: str | None = None
    client_key: str | None = None
    proxy_user: str | None = None
    retry_policy: RetryPolicy | None = None

    @property
    def tls_verify(self) -> bool | str:
        """The client's ``verify=``: the CA bundle path if one is set, else the ``verify`` flag."""
        return self.ca_bundle if self.ca_bundle and self.verify else self.verify

    @property
    def tls_cert(self) -> str | tuple[str, str] | None:
        """The client's ``cert=``: ``(cert, key)``, the combined PEM file, or ``None``."""
        if self.client_cert and self.client_key:
            return (self.client_cert, self.client_key)
        return self.client_cert or None

    def client_auth(self, where: str | None = None) -> Auth:
        """The authentication configuration (a plugin class is imported only when a client is built).

        :param where: what to name in errors; by default ``Endpoint '<name>'``.
        :return: the auth.
        :raises ConfigError: if a setting the auth type needs is missing or wrong.
        """
        try:
            return auth_from_config(
                self.auth,
                username=self.username,
                password=self.password,
                token=self.token,
                options=self.auth_options,
                url=self.url,
            )
        except ValueError as exc:
            raise ConfigError(f"{where or f'Endpoint {self.name!r}'}: {str(exc).rstrip('.')}.") from None

    def session_proxy_user(self, environ: Mapping[str, str] | None = None) -> str | None:
        """``proxy_user`` with its placeholders filled in.

        :param environ: the environment; ``os.environ`` by default.
        :return: the user, or ``None`` if none is configured.
        :raises ConfigError: if a placeholder's variable is not set.
        """
        if not self.proxy_user:
            return None
        env = os.environ if environ is None else environ

        def fill(match: re.Match[str]) -> str:
            value = env.get(match.group(1))
            if not value:
                raise ConfigError(
                    f"Endpoint {self.name!r}: proxy_user uses {{{match.group(1)}}}, but ${match.group(1)} is not "
                    "set here. Set it, or write the user name in proxy_user."
                )
            return value

        return _PLACEHOLDER.sub(fill, self.proxy_user)

    def with_proxy_user(
        self, body: Mapping[str, Any], environ: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """A session or batch body with this endpoint's proxy user, unless the body names one.

        :param body: the Livy body.
        :param environ: the environment; ``os.environ`` by default.
        :return: a new body.
        """
        result = dict(body)
        if "proxyUser" not in result:
            user = self.session_proxy_user(environ)
            if user:
                result["proxyUser"] = user
        return result

    def connection_key(self) -> tuple[Any, ...]:
        """What identifies the connection settings: a changed key means a new client."""
        return (
            self.name,
            self.url,
            self.auth,
            self.username,
            self.password,
            self.token,
            self.tls_verify,
            tuple(sorted(self.headers.items())),
            json.dumps(dict(self.auth_options), sort_keys=True, default=str),
            self.tls_cert,
            self.retry_policy,
        )

    def describe(self) -> str:
        """:return: the endpoint for messages, e.g. ``"'prod' (https://livy:8998, basic auth as 'alice')"``."""
        who = (
            f"basic auth as {self.username!r}"
            if self.auth == "basic"
            else ("no auth" if self.auth == "none" else f"{self.auth} auth")
        )
        return f"{self.name!r} ({self.url}, {who})"


_TRUE: Final = frozenset({"1", "true", "yes", "on"})
_FALSE: Final = frozenset({"0", "false", "no", "off"})


def config_bool(value: Any, where: str) -> bool:
    """Read a boolean setting: JSON ``true``/``false``, or a word as environment variables give it.

    :param value: the value.
    :param where: what to name in the error.
    :return: the boolean.
    :raises ConfigError: for anything else.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ConfigError(f"{where} must be true or false, not {value!r}.")


def _path(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key!r} must be a file path, not {value!r}.")
    return os.path.expanduser(value)


def parse_retry_policy(value: Any, where: str) -> RetryPolicy | None:
    """Read ``"retry_policy": {"max_retries": 3, "backoff": 0.2, "factor": 2, "cap": 5}``.

    :param value: the JSON value, or ``None``.
    :param where: what to name in errors.
    :return: the policy (unset keys keep the defaults), or ``None``.
    :raises ConfigError: for unknown keys or values out of range.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigError(
            f'{where}: "retry_policy" must be a JSON object like {{"max_retries": 3, "backoff": 0.2}}.'
        )
    unknown = sorted(set(value) - _RETRY_KEYS)
    if unknown:
        raise ConfigError(
            f'{where}: "retry_policy" has unknown key(s) {unknown}; known: {sorted(_RETRY_KEYS)}.'
        )
    defaults = RetryPolicy()
    numbers: dict[str, float] = {}
    for key in _RETRY_KEYS & set(value):
        number = value[key]
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
            raise ConfigError(f"{where}: retry_policy {key!r} must be a number, not {number!r}.")
        numbers[key] = float(number)
    retries = numbers.get("max_retries", defaults.retries)
    if retries != int(retries):
        raise ConfigError(f"{where}: retry_policy 'max_retries' must be a whole number, not {retries!r}.")
    backoff = numbers.get("backoff", defaults.backoff)
    try:
        return RetryPolicy(
            retries=int(retries),
            backoff=backoff,
            factor=numbers.get("factor", defaults.factor),
            cap=numbers.get("cap", max(defaults.cap, backoff)),
        )
    except ValueError as exc:
        raise ConfigError(f"{where}: retry_policy: {exc}.") from None


def note_unknown_keys(data: Mapping[str, Any], known: AbstractSet[str], what: str, where: str) -> list[str]:
    """Unknown keys are noted, not fatal: a file written for a newer sparkwire still loads.

    :return: the note (one line) for ``%%info``, or nothing; a :class:`ConfigWarning` is issued too.
    """
    unknown = sorted(str(key) for key in set(data) - set(known))
    if not unknown:
        return []
    note = f"{where}: {what} has unknown key(s) {unknown}, ignored; known: {sorted(known)}."
    # A warning, not a log line: Python shows each one once, though the panel reloads the file often.
    warnings.warn(note, ConfigWarning, stacklevel=3)
    return [note]


def parse_endpoint(
    name: str,
    data: Any,
    where: str,
    authenticators: Mapping[str, str] = _NO_AUTHENTICATORS,
    *,
    notes: list[str] | None = None,
) -> EndpointConfig:
    """Read one entry of ``"endpoints"``.

    :param name: the endpoint's name.
    :param data: its JSON object.
    :param where: the file, for errors.
    :param authenticators: the file's ``authenticators`` map, through which ``auth`` names are resolved.
    :param notes: where unknown keys are noted (a config file); without it they are an error.
    :return: the endpoint, its auth settings checked (a plugin class is not imported yet).
    :raises ConfigError: for wrong types, missing credentials, or unknown keys when ``notes`` is None.
    """
    here = f"{where}: endpoint {name!r}"
    if not isinstance(data, Mapping):
        raise ConfigError(f'{where}: endpoint {name!r} must be a JSON object with at least "url".')
    unknown = sorted(set(data) - ENDPOINT_KEYS)
    if notes is not None:
        notes += note_unknown_keys(data, ENDPOINT_KEYS, f"endpoint {name!r}", where)
    elif unknown:
        raise ConfigError(f"{here} has unknown key(s) {unknown}; known: {sorted(ENDPOINT_KEYS)}.")
    url = data.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigError(f'{here} needs a "url" starting with http:// or https://.')
    for key in ("headers", "auth_options"):
        if data.get(key) is not None and not isinstance(data[key], Mapping):
            raise ConfigError(f"{here}: {key!r} must be a JSON object, not {data[key]!r}.")
    headers = data.get("headers") or {}
    proxy_user = data.get("proxy_user")
    if proxy_user is not None:
        if not isinstance(proxy_user, str):
            raise ConfigError(f'{here}: "proxy_user" must be a user name, not {proxy_user!r}.')
        for placeholder in _PLACEHOLDER.findall(proxy_user):
            if placeholder not in PROXY_USER_PLACEHOLDERS:
                raise ConfigError(
                    f"{here}: proxy_user placeholder {{{placeholder}}} is unknown; use "
                    "{JUPYTERHUB_USER} or {USER}."
                )
    password, token = data.get("password"), data.get("token")
    auth = data.get("auth", "none")
    endpoint = EndpointConfig(
        name=name,
        url=url.rstrip("/"),
        auth=auth_name(resolve_auth(auth, authenticators) if isinstance(auth, str) else auth, here),
        username=data.get("user", data.get("username")) or None,
        password=Secret(str(password)) if password is not None else None,
        token=Secret(str(token)) if token is not None else None,
        verify=config_bool(data.get("verify", True), f'{here} "verify"'),
        ca_bundle=_path(data, "ca_bundle", here),
        headers=MappingProxyType({str(k): str(v) for k, v in headers.items()}),
        auth_options=MappingProxyType(dict(data.get("auth_options") or {})),
        client_cert=_path(data, "client_cert", here),
        client_key=_path(data, "client_key", here),
        proxy_user=proxy_user or None,
        retry_policy=parse_retry_policy(data.get("retry_policy"), here),
    )
    if endpoint.client_key and not endpoint.client_cert:
        raise ConfigError(f'{here}: "client_key" needs "client_cert" too.')
    endpoint.client_auth(here)  # checks the credentials and options now, at load time
    return endpoint
