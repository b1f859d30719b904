"""Where the panel's endpoints and session profiles come from: the one place that reads configuration.

:func:`load_endpoints` uses :func:`sparkwire.engine.config.load_config`, the loader the kernel and the
magics share (``~/.sparkwire/config.json``, else sparkmagic's config; ``$SPARKWIRE_URL`` and friends on
top; the local gateway when nothing is configured), and turns each endpoint into what the handlers
need: a Livy auth object (credentials stay on the server) and the session defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sparkwire.engine.config import DEFAULT_URL, EndpointConfig, load_config
from sparkwire.engine.endpoints import endpoint_auth
from sparkwire.livy import Auth, RetryPolicy, redact_url

__all__ = ["DEFAULT_URL", "Endpoint", "PanelEndpoints", "load_endpoints"]


@dataclass(frozen=True)
class Endpoint:
    """One Livy endpoint with everything needed to reach it.

    :param name: the configured name; unique; the panel's URLs use it.
    :param url: the base URL; may hold ``user:password@``, which never leaves the server.
    :param auth: the authentication, or ``None`` (credentials in the URL, if any, are then used).
    :param verify: TLS verification: ``True``, ``False``, or a CA bundle path.
    :param headers: extra headers for every request.
    :param session_defaults: the Livy session body new sessions start from.
    :param default: whether this is the default endpoint (the one a notebook's ``%attach ID`` uses).
    :param cert: the client certificate for mutual TLS, if any.
    :param retries: how safe-to-repeat requests are repeated; ``None`` for the panel's own policy.
    :param auth_name: the configured auth name, for the browser (``None``: derived from ``auth``).
    :param proxy_user: the ``proxyUser`` of new sessions and batches, placeholders filled in.
    """

    name: str
    url: str
    auth: Auth | None = None
    verify: bool | str = True
    headers: Mapping[str, str] = field(default_factory=dict)
    session_defaults: Mapping[str, Any] = field(default_factory=dict)
    default: bool = False
    cert: str | tuple[str, str] | None = None
    retries: RetryPolicy | None = None
    auth_name: str | None = None
    proxy_user: str | None = None

    @property
    def public_url(self) -> str:
        """The URL without credentials, for the browser."""
        public: str = redact_url(self.url)
        return public

    @property
    def auth_kind(self) -> str:
        """A word for the authentication (``none``, ``basic``, ``kerberos``, ``bearer``), for the browser."""
        if self.auth_name is not None:
            return self.auth_name if "." not in self.auth_name and ":" not in self.auth_name else "custom"
        if self.auth is None:
            return "basic" if "@" in self.url.split("//", 1)[-1].split("/", 1)[0] else "none"
        name = type(self.auth).__name__.removesuffix("Auth").lower()
        return "none" if name == "no" else name

    def cache_key(self) -> tuple[Any, ...]:
        """What identifies the connection settings: a changed key means a new client."""
        return (
            self.url,
            self.auth,
            self.verify,
            tuple(sorted(self.headers.items())),
            self.cert,
            self.retries,
        )


@dataclass(frozen=True)
class PanelEndpoints:
    """The endpoints in configuration order, and the named session profiles (Livy session bodies).

    :param endpoints: the endpoints.
    :param profiles: profile name → Livy ``POST /sessions`` body.
    """

    endpoints: tuple[Endpoint, ...]
    profiles: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))

    def endpoint(self, name: str) -> Endpoint | None:
        """:param name: an endpoint name. :return: that endpoint, or ``None``."""
        return next((endpoint for endpoint in self.endpoints if endpoint.name == name), None)


def _endpoint(config: EndpointConfig, session_defaults: Mapping[str, Any], default: bool) -> Endpoint:
    return Endpoint(
        name=config.name,
        url=config.url,
        auth=endpoint_auth(config),
        verify=config.tls_verify,
        headers=config.headers,
        session_defaults=session_defaults,
        default=default,
        cert=config.tls_cert,
        retries=config.retry_policy,
        auth_name=config.auth,
        proxy_user=config.session_proxy_user(),
    )


def load_endpoints() -> PanelEndpoints:
    """Load the configuration now (it may change while the server runs).

    :return: the endpoints, the default one first, and the profiles; never empty.
    :raises sparkwire.engine.errors.ConfigError: if the configuration is invalid.
    """
    config = load_config()
    names = [config.default_endpoint, *(name for name in config.endpoints if name != config.default_endpoint)]
    return PanelEndpoints(
        endpoints=tuple(
            _endpoint(config.endpoints[name], config.session_defaults, name == config.default_endpoint)
            for name in names
        ),
        profiles=config.profiles,
    )
