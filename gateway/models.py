"""Request and response bodies of the Livy REST API, as pydantic models.

Input models forbid unknown fields (Livy answers 400 to them, and a typo such as
``driverMemmory`` deserves a clear error rather than silence). Output models serialise with
Livy's camelCase names via aliases.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

__all__ = [
    "LIVY_API_VERSION",
    "AppInfo",
    "BatchListOut",
    "BatchOut",
    "CompletionOut",
    "CompletionRequest",
    "CreateBatchRequest",
    "CreateSessionRequest",
    "CreateStatementRequest",
    "LogOut",
    "MessageOut",
    "SessionListOut",
    "SessionOut",
    "SessionStateOut",
    "StatementListOut",
    "StatementOut",
    "VersionOut",
]

# The Livy API version the gateway implements; clients pick features from it.
LIVY_API_VERSION = "0.8.0-incubating"


class _In(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)


def _positive(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise ValueError("must be a positive integer")
    return value


class CreateSessionRequest(_In):
    """Body of ``POST /sessions``."""

    kind: str | None = None
    proxy_user: str | None = None
    jars: list[str] = Field(default_factory=list)
    py_files: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    archives: list[str] = Field(default_factory=list)
    driver_memory: str | None = None
    driver_cores: int | None = None
    executor_memory: str | None = None
    executor_cores: int | None = None
    num_executors: int | None = None
    queue: str | None = None
    name: str | None = None
    conf: dict[str, str] = Field(default_factory=dict)
    heartbeat_timeout_in_second: int | None = None
    ttl: str | None = None
    idle_timeout: str | None = None

    _check_positive = field_validator("driver_cores", "executor_cores", "num_executors")(_positive)

    @field_validator("conf", mode="before")
    @classmethod
    def _conf_values_as_strings(cls, value: Any) -> Any:
        # Livy's conf is Map[String, String]; clients often send numbers and booleans.
        if isinstance(value, dict):
            return {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in value.items()}
        return value


class CreateStatementRequest(_In):
    """Body of ``POST /sessions/{id}/statements``."""

    code: str
    kind: str | None = None


class CompletionRequest(_In):
    """Body of ``POST /sessions/{id}/completion``."""

    code: str
    kind: str | None = None
    cursor: int | None = None


class AppInfo(_Out):
    """Links to the Spark application."""

    driver_log_url: str | None = None
    spark_ui_url: str | None = None


class SessionOut(_Out):
    """A session as Livy shows it."""

    id: int
    name: str | None
    app_id: str | None
    owner: str | None
    proxy_user: str | None
    state: str
    kind: str
    app_info: AppInfo
    log: list[str]


class SessionListOut(_Out):
    """``GET /sessions``."""

    from_: int = Field(serialization_alias="from")
    total: int
    sessions: list[SessionOut]


class SessionStateOut(_Out):
    """``GET /sessions/{id}/state``."""

    id: int
    state: str


class LogOut(_Out):
    """``GET /sessions/{id}/log``."""

    id: int
    from_: int = Field(serialization_alias="from")
    total: int
    log: list[str]


class StatementOut(_Out):
    """A statement; ``output`` is Livy's output object, null until the statement is done."""

    id: int
    code: str
    state: str
    output: dict[str, Any] | None
    progress: float
    started: int
    completed: int


class StatementListOut(BaseModel):
    """``GET /sessions/{id}/statements`` (Livy spells this one in snake_case)."""

    total_statements: int
    statements: list[StatementOut]


class CompletionOut(BaseModel):
    """``POST /sessions/{id}/completion``."""

    candidates: list[str]


class MessageOut(BaseModel):
    """Livy's ``{"msg": ...}`` answer."""

    msg: str


class VersionOut(BaseModel):
    """``GET /version``; ``gateway`` names this implementation."""

    version: str = LIVY_API_VERSION
    user: str | None = None
    revision: str | None = None
    branch: str | None = None
    date: str | None = None
    url: str | None = None
    gateway: str = "sparkwire"


def _scalar_as_string(item: Any) -> Any:
    if isinstance(item, bool):
        return str(item).lower()
    return str(item) if isinstance(item, int | float) else item


def _as_strings(value: Any) -> Any:
    # Livy's args and conf are strings; clients often send numbers and booleans.
    text = _scalar_as_string
    if isinstance(value, dict):
        return {k: text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [text(v) for v in value]
    return value


class CreateBatchRequest(_In):
    """Body of ``POST /batches``."""

    file: str = Field(min_length=1)
    class_name: str | None = None
    args: list[str] = Field(default_factory=list)
    proxy_user: str | None = None
    jars: list[str] = Field(default_factory=list)
    py_files: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    archives: list[str] = Field(default_factory=list)
    driver_memory: str | None = None
    driver_cores: int | None = None
    executor_memory: str | None = None
    executor_cores: int | None = None
    num_executors: int | None = None
    queue: str | None = None
    name: str | None = None
    conf: dict[str, str] = Field(default_factory=dict)

    _check_positive = field_validator("driver_cores", "executor_cores", "num_executors")(_positive)
    _check_strings = field_validator("args", "conf", mode="before")(_as_strings)


class BatchOut(_Out):
    """A batch as Livy shows it."""

    id: int
    name: str | None
    owner: str | None
    proxy_user: str | None
    state: str
    app_id: str | None
    app_info: AppInfo
    log: list[str]


class BatchListOut(_Out):
    """``GET /batches`` (Livy names the list ``sessions`` here too)."""

    from_: int = Field(serialization_alias="from")
    total: int
    sessions: list[BatchOut]
