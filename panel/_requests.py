"""The panel's request bodies, checked and turned into sparkwire.livy specs.

A session body is ``{"kind", "name", "profile", "properties"}`` where ``properties`` is a Livy session
body as ``%%configure`` takes it; the layers merge as the engine merges them (endpoint defaults <
profile < properties < kind and name). A batch body is ``{"path" | "file", "name", "className",
"args", "conf"}``: ``path`` names a file of the Jupyter server's tree, ``file`` a path the Livy server
reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sparkwire.engine.errors import ConfigError
from sparkwire.engine.session_body import merge_bodies, spec_from_body
from sparkwire.livy import BatchSpec, SessionSpec

from ._endpoints import Endpoint, PanelEndpoints
from ._errors import PanelRequestError

__all__ = ["batch_spec", "decode_json", "session_spec"]

_SESSION_FIELDS = frozenset({"kind", "name", "profile", "properties"})
_BATCH_FIELDS = frozenset({"path", "file", "name", "className", "args", "conf"})


def decode_json(body: bytes) -> dict[str, Any]:
    """:param body: a request body. :return: the JSON object. :raises PanelRequestError: for anything else."""
    try:
        value = json.loads(body or b"{}")
    except ValueError as exc:
        raise PanelRequestError(f"The request body is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise PanelRequestError("The request body must be a JSON object.")
    return value


def _check_fields(body: Mapping[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise PanelRequestError(
            f"Unknown {what} field(s) {', '.join(map(repr, unknown))}; use {', '.join(sorted(allowed))}."
        )


def _optional_str(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise PanelRequestError(f"{key!r} must be a string, not {value!r}.")
    return value


def session_spec(body: Mapping[str, Any], config: PanelEndpoints, endpoint: Endpoint) -> SessionSpec:
    """Build the spec of a new session.

    :param body: the decoded request body.
    :param config: the configuration, for profiles.
    :param endpoint: the endpoint, for its session defaults.
    :return: the spec.
    :raises PanelRequestError: for unknown fields or profiles and invalid session settings.
    """
    _check_fields(body, _SESSION_FIELDS, "session")
    profile_name = _optional_str(body, "profile")
    profile: Mapping[str, Any] | None = None
    if profile_name is not None:
        profile = config.profiles.get(profile_name)
        if profile is None:
            known = ", ".join(sorted(config.profiles)) or "none are configured"
            raise PanelRequestError(f"Unknown session profile {profile_name!r} (known: {known}).")
    properties = body.get("properties") or {}
    if not isinstance(properties, Mapping):
        raise PanelRequestError("'properties' must be a JSON object of Livy session fields.")
    top = {key: value for key in ("kind", "name") if (value := _optional_str(body, key)) is not None}
    merged = merge_bodies(endpoint.session_defaults, profile, properties, top)
    if endpoint.proxy_user and "proxyUser" not in merged:
        merged["proxyUser"] = endpoint.proxy_user
    try:
        return spec_from_body(merged, where="the new session's settings")
    except ConfigError as exc:
        raise PanelRequestError(str(exc)) from exc


def _resolve_local(path: str, root_dir: Path) -> str:
    root = root_dir.expanduser().resolve()
    target = (root / path.lstrip("/")).resolve()
    if not target.is_relative_to(root):
        raise PanelRequestError(f"{path!r} is outside the Jupyter server's root directory.")
    if not target.is_file():
        raise PanelRequestError(f"{path!r} is not a file in the Jupyter server's root directory.")
    return str(target)


def _string_list(value: Any, key: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PanelRequestError(f"{key!r} must be a list of strings.")
    return value


def _conf(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or any(isinstance(item, dict | list) for item in value.values()):
        raise PanelRequestError("'conf' must be a JSON object of Spark settings with plain values.")
    return {
        str(key): str(item).lower() if isinstance(item, bool) else str(item) for key, item in value.items()
    }


def batch_spec(body: Mapping[str, Any], root_dir: Path, proxy_user: str | None = None) -> BatchSpec:
    """Build the spec of a new batch.

    :param body: the decoded request body.
    :param root_dir: the Jupyter server's root directory, against which ``path`` is resolved.
    :param proxy_user: the endpoint's ``proxyUser``, if it sets one.
    :return: the spec, its ``file`` an absolute local path when ``path`` was given.
    :raises PanelRequestError: for unknown fields, a missing or ambiguous file, a path outside the root.
    """
    _check_fields(body, _BATCH_FIELDS, "batch")
    path, file = _optional_str(body, "path"), _optional_str(body, "file")
    if (path is None) == (file is None):
        raise PanelRequestError("Give the application as 'path' (a file of this Jupyter server) or 'file'.")
    return BatchSpec(
        file=_resolve_local(path, root_dir) if path is not None else str(file),
        class_name=_optional_str(body, "className"),
        args=_string_list(body.get("args"), "args"),
        name=_optional_str(body, "name"),
        conf=_conf(body.get("conf")),
        proxy_user=proxy_user,
    )
