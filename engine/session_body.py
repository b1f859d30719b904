"""Session settings as users write them: Livy's ``POST /sessions`` JSON (camelCase), merged and checked.

Users write session settings the way Livy and sparkmagic spell them (``{"driverMemory": "2g",
"conf": {...}}``) in the config file, in profiles and in ``%%configure``. This module merges those
layers and turns the result into a :class:`sparkwire.livy.SessionSpec`, rejecting unknown keys with a
message that lists the known ones (real Livy would answer a bare 400).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from sparkwire.livy import SessionKind, SessionSpec

from .errors import ConfigError

__all__ = ["SESSION_KEYS", "merge_bodies", "spec_from_body"]

# Livy's JSON name → (SessionSpec field, expected JSON type).
_FIELDS: Final = MappingProxyType(
    {
        "kind": ("kind", str),
        "proxyUser": ("proxy_user", str),
        "jars": ("jars", list),
        "pyFiles": ("py_files", list),
        "files": ("files", list),
        "archives": ("archives", list),
        "driverMemory": ("driver_memory", str),
        "driverCores": ("driver_cores", int),
        "executorMemory": ("executor_memory", str),
        "executorCores": ("executor_cores", int),
        "numExecutors": ("num_executors", int),
        "queue": ("queue", str),
        "name": ("name", str),
        "conf": ("conf", dict),
        "heartbeatTimeoutInSecond": ("heartbeat_timeout_in_second", int),
        "ttl": ("ttl", str),
        "idleTimeout": ("idle_timeout", str),
    }
)

SESSION_KEYS: Final = frozenset(_FIELDS)
"""The keys a session body may hold (Livy's ``POST /sessions`` fields)."""


def merge_bodies(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge session bodies, later layers winning key by key; ``conf`` maps are merged entry by entry.

    :param layers: bodies from lowest to highest precedence (``None`` entries are skipped).
    :return: the merged body (a new dict).
    """
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            if key == "conf" and isinstance(value, Mapping) and isinstance(merged.get("conf"), Mapping):
                merged["conf"] = {**merged["conf"], **value}
            else:
                merged[key] = value
    return merged


def _check_type(key: str, value: Any, expected: type, where: str) -> Any:
    if expected is int and isinstance(value, str) and value.strip().isdigit():
        return int(value)  # sparkmagic configs often quote numbers.
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where}: {key!r} must be a whole number, not {value!r}.")
    if expected is str and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if expected is str and not isinstance(value, str):
        raise ConfigError(f"{where}: {key!r} must be a string, not {value!r}.")
    if expected is list:
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}: {key!r} must be a list of strings, not {value!r}.")
    if expected is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: {key!r} must be a JSON object of Spark settings, not {value!r}.")
        return {str(k): v if isinstance(v, str) else _conf_value(v) for k, v in value.items()}
    return value


def _conf_value(value: Any) -> str:
    # Spark settings are strings; JSON true/false/numbers are accepted in Spark's spelling.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def spec_from_body(body: Mapping[str, Any], *, where: str = "session settings") -> SessionSpec:
    """Check a Livy session body and build the spec to create it with.

    :param body: Livy's ``POST /sessions`` JSON, camelCase.
    :param where: where the body came from, for messages (``"%%configure"``, a file path...).
    :return: the spec.
    :raises ConfigError: for an unknown key, a value of the wrong type or an unknown kind.
    """
    if not isinstance(body, Mapping):
        raise ConfigError(f"{where}: session settings must be a JSON object, not {body!r}.")
    unknown = sorted(set(body) - SESSION_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown session setting(s) {', '.join(map(repr, unknown))}. Livy accepts: "
            f'{", ".join(sorted(SESSION_KEYS))}; Spark settings go inside "conf".'
        )
    values: dict[str, Any] = {}
    for key, value in body.items():
        if value is None:
            continue
        field, expected = _FIELDS[key]
        values[field] = _check_type(key, value, expected, where)
    kind = values.get("kind")
    if kind is not None and SessionKind.parse(kind) is None:
        raise ConfigError(
            f"{where}: unknown session kind {kind!r}; use pyspark, spark, sparkr, sql, or omit it for a shared session."
        )
    return SessionSpec(**values)
