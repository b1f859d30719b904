"""Read sparkmagic's ``config.json`` so its users migrate without edits.

Only what describes the Livy endpoint and its sessions is read, translated into the JSON of a
sparkwire config file (then parsed like one):

=================================================  ==============================================
sparkmagic                                         sparkwire
=================================================  ==============================================
``kernel_python_credentials.url``                  ``endpoints.sparkmagic.url``
``…auth``: ``None`` / ``Basic_Access`` / ``Kerberos``  ``auth``: none / basic / kerberos (when absent:
                                                   basic if a username is set, as sparkmagic does)
``…auth``: another name of ``authenticators``      ``auth``: that class path, loaded and given
                                                   ``url``, ``user``, ``password`` as sparkmagic does
``kerberos_auth_configuration``                    ``auth_options`` (principal, hostname_override,
                                                   mutual_authentication, service, delegate)
``retry_policy``: ``configurable``                  ``retry_policy.max_retries`` =
                                                   ``configurable_retry_policy_max_retries``
``retry_seconds_to_sleep_list``                    ``retry_policy.backoff`` (first), ``cap`` (last)
``…username``, ``…password`` (``base64_password``)  ``user``, ``password``
``ignore_ssl_errors``                              ``verify: false``
``custom_headers``                                 ``headers``
``session_configs_defaults`` + ``session_configs``  ``session`` (the latter wins)
``livy_session_startup_timeout_seconds``           ``kernel.session_start_timeout``
``kernel_scala_credentials``, ``kernel_r_credentials``  when they differ from the Python ones:
                                                   ``endpoints.sparkmagic-scala`` (``-r``), which
                                                   ``kernel.language_endpoints`` gives that kernel
=================================================  ==============================================

Every other key of sparkmagic's published ``example_config.json`` is ignored, and
:func:`sparkmagic_notes` says so in one line per key (``%%info`` and ``%spark info`` show them); a key
sparkwire does not know is ignored the same way. Nothing in the file is an error except an auth type
sparkwire cannot use. An empty (or whitespace-only) file means the defaults, as in sparkmagic, which
creates it empty on first use.

sparkmagic finds its file through ``SPARKMAGIC_CONF_DIR`` (default ``~/.sparkmagic``) and
``SPARKMAGIC_CONF_FILE`` (default ``config.json``); so do we.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .endpoint_config import parse_authenticators, resolve_auth
from .errors import ConfigError

__all__ = ["read_sparkmagic_config", "sparkmagic_config_path", "sparkmagic_notes"]

_SPARKMAGIC_DEFAULT_URL = "http://localhost:8998"
_AUTH = {"none": "none", "basic_access": "basic", "kerberos": "kerberos"}
# requests-kerberos's constants, as sparkmagic's kerberos_auth_configuration writes them.
_MUTUAL = {1: "required", 2: "optional", 3: "disabled"}
_KERBEROS_KEYS = ("principal", "hostname_override", "service", "delegate")

# The keys read_sparkmagic_config translates.
_HONOURED = frozenset(
    {
        "kernel_python_credentials",
        "kernel_scala_credentials",
        "kernel_r_credentials",
        "session_configs",
        "session_configs_defaults",
        "ignore_ssl_errors",
        "custom_headers",
        "livy_session_startup_timeout_seconds",
        "authenticators",
        "kerberos_auth_configuration",
        "retry_policy",
        "retry_seconds_to_sleep_list",
        "configurable_retry_policy_max_retries",
    }
)
_HEARTBEAT = "sparkwire sends its own heartbeats; their timeout is kernel.heartbeat_timeout"
# Why each other key of sparkmagic's example_config.json has no effect here.
_IGNORED = MappingProxyType(
    {
        "logging_config": "sparkwire logs through Python's logging module",
        "wait_for_idle_timeout_seconds": "statements run until they finish or kernel.statement_timeout",
        "fatal_error_suggestion": "sparkwire's errors say what to do themselves",
        "use_auto_viz": "results show as typed tables with a chart view",
        "coerce_dataframe": "column types come from the Spark schema",
        "max_results_sql": "%%sql -n sets the number of rows",
        "pyspark_dataframe_encoding": "results travel as Arrow or UTF-8 JSON",
        "heartbeat_refresh_seconds": _HEARTBEAT,
        "livy_server_heartbeat_timeout_seconds": _HEARTBEAT,
        "heartbeat_retry_seconds": _HEARTBEAT,
        "server_extension_default_kernel_name": "sparkwire's panel starts no kernels",
    }
)


def sparkmagic_config_path(environ: Mapping[str, str], home: Path) -> Path:
    """Where sparkmagic's config file is, by sparkmagic's own rules.

    :param environ: the environment.
    :param home: the user's home directory (for ``~``).
    :return: the path (it may not exist).
    """
    directory = environ.get("SPARKMAGIC_CONF_DIR") or "~/.sparkmagic"
    name = environ.get("SPARKMAGIC_CONF_FILE") or "config.json"
    if directory == "~" or directory.startswith("~/"):
        directory = str(home) + directory[1:]
    return Path(directory) / name


def _password(credentials: Mapping[str, Any], source: str, key: str) -> str | None:
    encoded = credentials.get("base64_password")
    if encoded:
        try:
            return base64.b64decode(str(encoded), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ConfigError(f"{source}: {key}.base64_password is not valid base64 text.") from None
    password = credentials.get("password")
    return None if password is None else str(password)


def _auth(
    value: Any, data: Mapping[str, Any], username: str, password: str | None, source: str, key: str
) -> str:
    if value is None:
        return "basic" if username and password else "none"
    authenticators = parse_authenticators(data.get("authenticators"), source)
    if str(value) in authenticators:
        return resolve_auth(str(value), authenticators)
    builtin = _AUTH.get(str(value).strip().lower())
    if builtin:
        return builtin
    known = ", ".join(sorted({"None", "Basic_Access", "Kerberos", *map(str, authenticators)}))
    raise ConfigError(
        f'{source}: {key}.auth is {value!r}, which is not in "authenticators" ({known}). '
        'Add it there with its class path, e.g. "authenticators": {"MyAuth": "mypackage.auth.MyAuth"}.'
    )


def _kerberos_options(value: Any, source: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{source}: kerberos_auth_configuration must be a JSON object.")
    options = {key: value[key] for key in _KERBEROS_KEYS if value.get(key) is not None}
    mutual = value.get("mutual_authentication")
    if mutual is not None:
        name = _MUTUAL.get(mutual) if isinstance(mutual, int) else str(mutual).strip().lower()
        if name not in ("required", "optional", "disabled"):
            raise ConfigError(
                f"{source}: kerberos_auth_configuration.mutual_authentication must be 1 (REQUIRED), "
                f"2 (OPTIONAL) or 3 (DISABLED), not {mutual!r}."
            )
        options["mutual_authentication"] = name
    return options


def _retry_policy(data: Mapping[str, Any]) -> dict[str, Any]:
    policy: dict[str, Any] = {}
    if str(data.get("retry_policy", "")).lower() == "configurable":
        retries = data.get("configurable_retry_policy_max_retries", 8)  # sparkmagic's default
        if isinstance(retries, int) and not isinstance(retries, bool) and retries >= 0:
            policy["max_retries"] = retries
    sleeps = data.get("retry_seconds_to_sleep_list")
    if (
        isinstance(sleeps, list)
        and sleeps
        and all(isinstance(x, int | float) and not isinstance(x, bool) and x >= 0 for x in sleeps)
    ):
        policy["backoff"] = float(sleeps[0])
        policy["cap"] = float(max(sleeps))
    return policy


def read_sparkmagic_config(data: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    """Translate sparkmagic's config into the JSON of a sparkwire config file.

    :param data: sparkmagic's config JSON.
    :param source: its path, for messages.
    :return: a sparkwire config object (``endpoints``, ``default_endpoint``, ``session``, ``kernel``).
    :raises ConfigError: for an auth type sparkwire does not know.
    """
    endpoint = _endpoint(data, "kernel_python_credentials", source)
    endpoints = {"sparkmagic": endpoint}
    language_endpoints: dict[str, str] = {}
    for language, key in (("scala", "kernel_scala_credentials"), ("r", "kernel_r_credentials")):
        # The Scala and R kernels use their own credentials when they name another server or login.
        if isinstance(data.get(key), Mapping) and data[key].get("url"):
            other = _endpoint(data, key, source)
            if other != endpoint:
                endpoints[f"sparkmagic-{language}"] = other
                language_endpoints[language] = f"sparkmagic-{language}"
    session: dict[str, Any] = {}
    for key in ("session_configs_defaults", "session_configs"):
        layer = data.get(key)
        if isinstance(layer, Mapping):
            session.update(layer)
    result: dict[str, Any] = {
        "endpoints": endpoints,
        "default_endpoint": "sparkmagic",
        "session": session,
    }
    if data.get("authenticators"):
        # Kept so that %spark add -t NAME finds the same classes as sparkmagic's magics do.
        result["authenticators"] = dict(parse_authenticators(data["authenticators"], source))
    kernel: dict[str, Any] = {}
    timeout = data.get("livy_session_startup_timeout_seconds")
    if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
        kernel["session_start_timeout"] = float(timeout)
    if language_endpoints:
        kernel["language_endpoints"] = language_endpoints
    if kernel:
        result["kernel"] = kernel
    return result


def _endpoint(data: Mapping[str, Any], key: str, source: str) -> dict[str, Any]:
    """The endpoint one of sparkmagic's ``kernel_*_credentials`` describes, with the file's shared settings."""
    credentials = data.get(key) or {}
    if not isinstance(credentials, Mapping):
        raise ConfigError(f"{source}: {key} must be a JSON object.")
    username = str(credentials.get("username") or "")
    password = _password(credentials, source, key)
    auth = _auth(credentials.get("auth"), data, username, password, source, key)
    endpoint: dict[str, Any] = {"url": str(credentials.get("url") or _SPARKMAGIC_DEFAULT_URL), "auth": auth}
    if auth == "basic" or auth not in ("none", "kerberos"):
        # A custom class reads .user and .password too, as sparkmagic passes them.
        if username:
            endpoint["user"] = username
        if password is not None or auth == "basic":
            endpoint["password"] = password or ""
    if auth == "kerberos":
        options = _kerberos_options(data.get("kerberos_auth_configuration"), source)
        if options:
            endpoint["auth_options"] = options
    retry = _retry_policy(data)
    if retry:
        endpoint["retry_policy"] = retry
    if data.get("ignore_ssl_errors") is True:
        endpoint["verify"] = False
    headers = data.get("custom_headers")
    if isinstance(headers, Mapping) and headers:
        endpoint["headers"] = dict(headers)
    return endpoint


def sparkmagic_notes(data: Mapping[str, Any]) -> tuple[str, ...]:
    """One line for each key of sparkmagic's config that sparkwire does not use, saying why.

    :param data: sparkmagic's config JSON.
    :return: the lines, in the file's order (empty when every key is used).
    """
    return tuple(
        f"sparkmagic's {key!r} is ignored: {_IGNORED.get(key, 'sparkwire does not know this setting')}."
        for key in data
        if key not in _HONOURED
    )
