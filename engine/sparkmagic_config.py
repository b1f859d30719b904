"""Read sparkmagic's ``config.json`` so its users migrate without edits.

Only what describes the Livy endpoint and its sessions is read, translated into the JSON of a
sparkwire config file (then parsed like one):

=================================================  ==============================================
sparkmagic                                         sparkwire
=================================================  ==============================================
``kernel_python_credentials.url``                  ``endpoints.sparkmagic.url``
``…auth``: ``None`` / ``Basic_Access`` / ``Kerberos``  ``auth``: none / basic / kerberos (when absent:
                                                   basic if a username is set, as sparkmagic does)
``…username``, ``…password`` (``base64_password``)  ``user``, ``password``
``ignore_ssl_errors``                              ``verify: false``
``custom_headers``                                 ``headers``
``session_configs_defaults`` + ``session_configs``  ``session`` (the latter wins)
``livy_session_startup_timeout_seconds``           ``kernel.session_start_timeout``
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

from .errors import ConfigError

__all__ = ["read_sparkmagic_config", "sparkmagic_config_path", "sparkmagic_notes"]

_SPARKMAGIC_DEFAULT_URL = "http://localhost:8998"
_AUTH = {"none": "none", "basic_access": "basic", "kerberos": "kerberos"}

# The keys read_sparkmagic_config translates.
_HONOURED = frozenset({
    "kernel_python_credentials", "session_configs", "session_configs_defaults", "ignore_ssl_errors",
    "custom_headers", "livy_session_startup_timeout_seconds",
})
_HEARTBEAT = "sparkwire sends no heartbeats; the server's own session timeout applies"
_RETRIES = "the Livy client retries safe requests with its own back-off"
# Why each other key of sparkmagic's example_config.json has no effect here.
_IGNORED = MappingProxyType({
    "kernel_scala_credentials": "every session kind uses kernel_python_credentials' endpoint",
    "kernel_r_credentials": "every session kind uses kernel_python_credentials' endpoint",
    "logging_config": "sparkwire logs through Python's logging module",
    "authenticators": "the auth types (None, Basic_Access, Kerberos) are built in",
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
    "retry_policy": _RETRIES,
    "retry_seconds_to_sleep_list": _RETRIES,
    "configurable_retry_policy_max_retries": _RETRIES,
})


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


def _password(credentials: Mapping[str, Any], source: str) -> str | None:
    encoded = credentials.get("base64_password")
    if encoded:
        try:
            return base64.b64decode(str(encoded), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ConfigError(
                f"{source}: kernel_python_credentials.base64_password is not valid base64 text."
            ) from None
    password = credentials.get("password")
    return None if password is None else str(password)


def read_sparkmagic_config(data: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    """Translate sparkmagic's config into the JSON of a sparkwire config file.

    :param data: sparkmagic's config JSON.
    :param source: its path, for messages.
    :return: a sparkwire config object (``endpoints``, ``default_endpoint``, ``session``, ``kernel``).
    :raises ConfigError: for an auth type sparkwire does not know.
    """
    credentials = data.get("kernel_python_credentials") or {}
    if not isinstance(credentials, Mapping):
        raise ConfigError(f"{source}: kernel_python_credentials must be a JSON object.")
    username = str(credentials.get("username") or "")
    password = _password(credentials, source)
    auth_value = credentials.get("auth")
    if auth_value is None:
        auth = "basic" if username and password else "none"
    else:
        auth = _AUTH.get(str(auth_value).strip().lower(), "")
        if not auth:
            raise ConfigError(
                f"{source}: kernel_python_credentials.auth is {auth_value!r}; sparkwire understands None, "
                "Basic_Access and Kerberos."
            )
    endpoint: dict[str, Any] = {"url": str(credentials.get("url") or _SPARKMAGIC_DEFAULT_URL), "auth": auth}
    if auth == "basic":
        endpoint["user"] = username
        endpoint["password"] = password or ""
    if data.get("ignore_ssl_errors") is True:
        endpoint["verify"] = False
    headers = data.get("custom_headers")
    if isinstance(headers, Mapping) and headers:
        endpoint["headers"] = dict(headers)
    session: dict[str, Any] = {}
    for key in ("session_configs_defaults", "session_configs"):
        layer = data.get(key)
        if isinstance(layer, Mapping):
            session.update(layer)
    result: dict[str, Any] = {
        "endpoints": {"sparkmagic": endpoint},
        "default_endpoint": "sparkmagic",
        "session": session,
    }
    timeout = data.get("livy_session_startup_timeout_seconds")
    if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
        result["kernel"] = {"session_start_timeout": float(timeout)}
    return result


def sparkmagic_notes(data: Mapping[str, Any]) -> tuple[str, ...]:
    """One line for each key of sparkmagic's config that sparkwire does not use, saying why.

    :param data: sparkmagic's config JSON.
    :return: the lines, in the file's order (empty when every key is used).
    """
    return tuple(
        f"sparkmagic's {key!r} is ignored: "
        f"{_IGNORED.get(key, 'sparkwire does not know this setting')}."
        for key in data if key not in _HONOURED
    )
