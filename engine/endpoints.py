"""Build a :class:`~sparkwire.livy.LivyClient` from an endpoint's configuration."""

from __future__ import annotations

from collections.abc import Callable

from sparkwire.livy import DEFAULT_RETRIES, Auth, LivyClient, MissingDependency, TimeoutTypes
from sparkwire.livy import DEFAULT_TIMEOUT as _DEFAULT_TIMEOUT

from .config import EndpointConfig
from .errors import ConfigError

__all__ = ["ClientFactory", "endpoint_auth", "make_client"]

ClientFactory = Callable[[EndpointConfig], LivyClient]
"""How the registry makes clients; tests pass their own to inject faults."""


def endpoint_auth(endpoint: EndpointConfig) -> Auth:
    """The client authentication an endpoint asks for.

    :param endpoint: the endpoint.
    :return: the auth configuration (passwords stay wrapped in ``Secret``).
    :raises ConfigError: if a credential or option the auth type needs is missing or wrong.
    """
    return endpoint.client_auth()


def make_client(endpoint: EndpointConfig, *, timeout: TimeoutTypes = _DEFAULT_TIMEOUT) -> LivyClient:
    """Create a client for an endpoint; the caller closes it.

    :param endpoint: the endpoint.
    :param timeout: the per-request timeout.
    :return: the client (no request is sent yet; a token command has not run yet).
    :raises ConfigError: for an invalid URL, a missing CA bundle or certificate, a missing credential, or an
        auth class that cannot be imported (the message names it).
    :raises MissingDependency: if the auth type needs a package that is not installed (Kerberos, AWS, Google).
    """
    auth = endpoint_auth(endpoint)
    try:
        return LivyClient(
            endpoint.url,
            auth=auth,
            verify=endpoint.tls_verify,
            cert=endpoint.tls_cert,
            headers=dict(endpoint.headers),
            timeout=timeout,
            retries=endpoint.retry_policy or DEFAULT_RETRIES,
        )
    except MissingDependency:
        raise
    except ValueError as exc:
        raise ConfigError(f"Endpoint {endpoint.name!r}: {str(exc).rstrip('.')}.") from None
