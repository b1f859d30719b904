"""The endpoint a ``%spark`` line names with ``-u``, ``-t``, ``-a``, ``-p`` and ``--token``, as an engine endpoint.

sparkmagic names endpoints only by URL and credentials on each line. Here ``-u`` may also be the name of
an endpoint in sparkwire's config file, a URL of a configured endpoint reuses its settings (headers,
TLS, credentials unless others are given), and with no ``-u`` the configured default endpoint is used
(``SPARKWIRE_URL``, the config file, or the local gateway). Credentials in the URL itself
(``https://user:pw@host``) are moved out of it, so the URL can be shown.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import unquote, urlsplit, urlunsplit

from IPython.core.error import UsageError

from sparkwire.engine import ConfigError, EndpointConfig, SparkwireConfig
from sparkwire.engine.endpoint_config import auth_name, resolve_auth
from sparkwire.livy import Secret

__all__ = ["resolve_endpoint"]


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
        raise UsageError(
            f"-u must be a URL starting with http:// or https://, or a configured endpoint ({known})."
        )
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
    token: Secret | None = None,
) -> EndpointConfig:
    """The endpoint named by a line's flags.

    :param config: the configuration (configured endpoints, the default one).
    :param url: ``-u``: a URL, a configured endpoint's name, or ``None`` for the default endpoint.
    :param auth: ``-t``/``--auth``: a built-in name (None, Basic_Access, Kerberos, bearer, aws-sigv4, google), a
        plugin or a class path; ``None`` infers it as sparkmagic does (Basic_Access when a user and password are
        given, bearer with a token, else the endpoint's own).
    :param user: ``-a``.
    :param password: ``-p``.
    :param token: ``--token``: a bearer token (bearer is then the default auth).
    :return: the endpoint.
    :raises UsageError: for a malformed URL, an unknown auth type, or an auth type without its credentials.
    """
    base, url_user, url_password = _base(config, url)
    username = user or url_user
    secret = (
        password if password is not None else (Secret(url_password) if url_password is not None else None)
    )
    if auth is not None:
        kind = auth_name(resolve_auth(auth, config.authenticators), "-t")
    elif username and secret is not None:
        kind = "basic"
    elif token is not None:
        kind = "bearer"
    else:
        kind = base.auth
    changes: dict[str, object] = {"auth": kind}
    if kind != base.auth:
        changes["auth_options"] = {}  # the endpoint's options belong to its own auth type
    if username:
        changes["username"] = username
    if secret is not None:
        changes["password"] = secret
    if token is not None:
        # A token given on the line replaces the endpoint's token command.
        changes["token"] = token
        changes["auth_options"] = {
            k: v for k, v in base.auth_options.items() if not k.startswith("token_command")
        }
    endpoint = dataclasses.replace(base, **changes)  # type: ignore[arg-type]
    if endpoint.auth == "basic" and (not endpoint.username or endpoint.password is None):
        raise UsageError("Basic_Access needs a user (-a USER) and a password (-p PASSWORD).")
    if endpoint.auth == "bearer" and not endpoint.token and "token_command" not in endpoint.auth_options:
        raise UsageError(
            "bearer needs a token: --token TOKEN (or a token_command in the endpoint's auth_options)."
        )
    try:
        endpoint.client_auth(f"-t {kind}")
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return endpoint
