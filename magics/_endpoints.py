"""The endpoint a ``%spark`` line names with ``-u``, ``-t``, ``-a`` and ``-p``, as an engine endpoint.

sparkmagic names endpoints only by URL and credentials on each line. Here ``-u`` may also be the name of
an endpoint in sparkwire's config file, a URL of a configured endpoint reuses its settings (headers,
TLS, credentials unless others are given), and with no ``-u`` the configured default endpoint is used
(``SPARKWIRE_URL``, the config file, or the local gateway). Credentials in the URL itself
(``https://user:pw@host``) are moved out of it, so the URL can be shown.
"""

from __future__ import annotations

import dataclasses
from typing import Final
from urllib.parse import unquote, urlsplit, urlunsplit

from IPython.core.error import UsageError
from sparkwire.engine import AuthType, EndpointConfig, SparkwireConfig
from sparkwire.livy import Secret

__all__ = ["resolve_endpoint"]

_AUTH: Final = {"none": "none", "basic": "basic", "basic_access": "basic", "kerberos": "kerberos"}


def _auth(value: str) -> AuthType:
    name = _AUTH.get(value.strip().lower().replace("-", "_"))
    if name is None:
        raise UsageError(f"-t {value}: unknown auth type; use None, Basic_Access or Kerberos.")
    return name  # type: ignore[return-value]  # the values above are AuthType literals


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url.rstrip("/"), None, None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)).rstrip("/")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return bare, user, password


def _base(config: SparkwireConfig, url: str | None) -> tuple[EndpointConfig, str | None, str | None]:
    if url is None:
        return config.endpoint(None), None, None
    if url in config.endpoints:
        return config.endpoints[url], None, None
    if not url.startswith(("http://", "https://")):
        known = ", ".join(sorted(config.endpoints))
        raise UsageError(f"-u must be a URL starting with http:// or https://, or a configured endpoint ({known}).")
    bare, user, password = _split_credentials(url)
    for endpoint in config.endpoints.values():
        if endpoint.url == bare:
            return endpoint, user, password
    return EndpointConfig(name="%spark -u", url=bare), user, password


def resolve_endpoint(
    config: SparkwireConfig,
    *,
    url: str | None = None,
    auth: str | None = None,
    user: str | None = None,
    password: Secret | None = None,
) -> EndpointConfig:
    """The endpoint named by a line's flags.

    :param config: the configuration (configured endpoints, the default one).
    :param url: ``-u``: a URL, a configured endpoint's name, or ``None`` for the default endpoint.
    :param auth: ``-t``: None, Basic_Access or Kerberos; ``None`` infers it as sparkmagic does (Basic_Access
        when a user and password are given, else the endpoint's own).
    :param user: ``-a``.
    :param password: ``-p``.
    :return: the endpoint.
    :raises UsageError: for a malformed URL, an unknown auth type, or Basic_Access without credentials.
    """
    base, url_user, url_password = _base(config, url)
    username = user or url_user
    secret = password if password is not None else (Secret(url_password) if url_password is not None else None)
    if auth is not None:
        kind = _auth(auth)
    elif username and secret is not None:
        kind = "basic"
    else:
        kind = base.auth
    changes: dict[str, object] = {"auth": kind}
    if username:
        changes["username"] = username
    if secret is not None:
        changes["password"] = secret
    endpoint = dataclasses.replace(base, **changes)  # type: ignore[arg-type]
    if endpoint.auth == "basic" and (not endpoint.username or endpoint.password is None):
        raise UsageError("Basic_Access needs a user (-a USER) and a password (-p PASSWORD).")
    return endpoint
