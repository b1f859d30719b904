"""Build a :class:`~sparkwire.livy.LivyClient` from an endpoint's configuration."""

from __future__ import annotations

from collections.abc import Callable

from sparkwire.livy import DEFAULT_TIMEOUT as _DEFAULT_TIMEOUT
from sparkwire.livy import Auth, LivyClient, MissingDependency, TimeoutTypes, auth_from_config

from .config import EndpointConfig
from .errors import ConfigError

__all__ = ["ClientFactory", "endpoint_auth", "make_client"]

ClientFactory = Callable[[EndpointConfig], LivyClient]
"""How the registry makes clients; tests pass their own to inject faults."""


def endpoint_auth(endpoint: EndpointConfig) -> Auth:
    """The client authentication an endpoint asks for.

    :param endpoint: the endpoint.
    :return: the auth configuration (passwords stay wrapped in ``Secret``).
    :raises ConfigError: if a credential the auth type needs is missing.
    """
    try:
        return auth_from_config(
            endpoint.auth, username=endpoint.username, password=endpoint.password, token=endpoint.token
        )
    except ValueError as exc:
        raise ConfigError(f"Endpoint {endpoint.name!r}: {exc}.") from None


def make_client(endpoint: EndpointConfig, *, timeout: TimeoutTypes = _DEFAULT_TIMEOUT) -> LivyClient:
    """Create a client for an endpoint; the caller closes it.

    :param endpoint: the endpoint.
    :param timeout: the per-request timeout.
    :return: the client (no request is sent yet).
    :raises ConfigError: for an invalid URL, a missing CA bundle or a missing credential.
    :raises MissingDependency: if the auth type needs a package that is not installed (Kerberos).
    """
    auth = endpoint_auth(endpoint)
    try:
        return LivyClient(
            endpoint.url, auth=auth, verify=endpoint.tls_verify, headers=dict(endpoint.headers), timeout=timeout
        )
    except MissingDependency:
        raise
    except ValueError as exc:
        raise ConfigError(f"Endpoint {endpoint.name!r}: {exc}.") from None
