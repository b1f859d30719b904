"""Request bodies for creating sessions and batches, holding only the fields the caller set.

Real Livy rejects unknown JSON fields with 400, so a field a server does not know (``ttl`` before
0.8, ``idleTimeout`` before 0.9) must not be sent unless the caller asked for it: ``None`` means
"not set" and is never sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Final

from ._states import SessionKind
from ._version import Version

__all__ = ["BatchSpec", "SessionSpec"]

# Our field name → Livy's JSON name, for the fields whose names differ by more than case.
_JSON_NAMES: Final = {
    "proxy_user": "proxyUser",
    "py_files": "pyFiles",
    "driver_memory": "driverMemory",
    "driver_cores": "driverCores",
    "executor_memory": "executorMemory",
    "executor_cores": "executorCores",
    "num_executors": "numExecutors",
    "heartbeat_timeout_in_second": "heartbeatTimeoutInSecond",
    "idle_timeout": "idleTimeout",
    "class_name": "className",
}

# Fields that older servers reject as unknown, with the first version that knows them.
_SINCE: Final = {"name": (0, 6, 0), "ttl": (0, 8, 0), "idle_timeout": (0, 9, 0)}


def _json_value(value: Any) -> Any:
    if isinstance(value, SessionKind):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): str(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [str(item) for item in value]
    return value


def _check_sequences(spec: Any) -> None:
    # A bare string would be sent as a list of characters; catch it where the caller made it.
    for item in fields(spec):
        value = getattr(spec, item.name)
        if item.name in ("jars", "py_files", "files", "archives", "args") and isinstance(value, str):
            raise TypeError(f"{type(spec).__name__}.{item.name} must be a list of strings, not a string")


@dataclass(frozen=True, kw_only=True)
class _Resources:
    """The fields sessions and batches share: who runs it, what it loads, what it gets.

    :param proxy_user: the user to run it as (impersonation).
    :param jars: jars for the classpath.
    :param py_files: Python files for the path.
    :param files: files to place in the working directory.
    :param archives: archives to extract into the working directory.
    :param driver_memory: e.g. ``"2g"``.
    :param driver_cores: driver cores.
    :param executor_memory: e.g. ``"4g"``.
    :param executor_cores: cores per executor.
    :param num_executors: number of executors.
    :param queue: the YARN queue.
    :param name: the name (Livy 0.6+); a session's must be unique on the server.
    :param conf: Spark configuration, e.g. ``{"spark.sql.shuffle.partitions": "8"}``.
    """

    proxy_user: str | None = None
    jars: Sequence[str] | None = None
    py_files: Sequence[str] | None = None
    files: Sequence[str] | None = None
    archives: Sequence[str] | None = None
    driver_memory: str | None = None
    driver_cores: int | None = None
    executor_memory: str | None = None
    executor_cores: int | None = None
    num_executors: int | None = None
    queue: str | None = None
    name: str | None = None
    conf: Mapping[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        """The request body: only the fields that were set, in Livy's camelCase.

        :return: a JSON-ready dict (``{}`` if nothing was set).
        """
        return {
            _JSON_NAMES.get(item.name, item.name): _json_value(getattr(self, item.name))
            for item in fields(self)
            if getattr(self, item.name) is not None
        }

    def unsupported_fields(self, version: Version) -> list[str]:
        """The fields set here that a server of ``version`` rejects as unknown.

        :param version: the server's version (from ``LivyClient.version()``).
        :return: the JSON names of those fields, e.g. ``["ttl"]``; empty if all are supported.
        """
        return [
            _JSON_NAMES.get(name, name)
            for name, since in _SINCE.items()
            if getattr(self, name, None) is not None and version < since
        ]


@dataclass(frozen=True, kw_only=True)
class SessionSpec(_Resources):
    """What to create with ``POST /sessions``; every field is optional and ``None`` means "not set".

    Besides these, the fields every Spark application takes: ``proxy_user``, ``jars``, ``py_files``,
    ``files``, ``archives``, ``driver_memory``, ``driver_cores``, ``executor_memory``,
    ``executor_cores``, ``num_executors``, ``queue``, ``name`` and ``conf`` (see ``_Resources``).

    :param kind: the session language; omit for a shared session where each statement names its kind
        (Livy 0.5+). A string is parsed, aliases included.
    :param heartbeat_timeout_in_second: end the session if no client polls it for this long.
    :param ttl: end the session after this much inactivity (0.8) or lifetime (0.9), e.g. ``"2h"``.
    :param idle_timeout: end the session after this much inactivity (Livy 0.9), e.g. ``"30m"``.
    """

    kind: SessionKind | str | None = None
    heartbeat_timeout_in_second: int | None = None
    ttl: str | None = None
    idle_timeout: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.kind, str) and not isinstance(self.kind, SessionKind):
            object.__setattr__(self, "kind", SessionKind(self.kind))
        _check_sequences(self)


@dataclass(frozen=True, kw_only=True)
class BatchSpec(_Resources):
    """What to create with ``POST /batches``: ``file`` is required, the rest optional (``None`` = not set).

    Besides these, the fields of :class:`SessionSpec` every Spark application takes (``proxy_user``
    to ``conf``).

    :param file: the application to run (a jar or Python file, on a path the server can read).
    :param class_name: the main class, for a jar.
    :param args: command-line arguments of the application.
    """

    file: str
    class_name: str | None = None
    args: Sequence[str] | None = None

    def __post_init__(self) -> None:
        if not self.file:
            raise ValueError("BatchSpec.file is required: the application to run")
        _check_sequences(self)
