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

sparkmagic finds its file through ``SPARKMAGIC_CONF_DIR`` (default ``~/.sparkmagic``) and
``SPARKMAGIC_CONF_FILE`` (default ``config.json``); so do we.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["read_sparkmagic_config", "sparkmagic_config_path"]

_SPARKMAGIC_DEFAULT_URL = "http://localhost:8998"
_AUTH = {"none": "none", "basic_access": "basic", "kerberos": "kerberos"}


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
