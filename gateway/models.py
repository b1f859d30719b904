"""Request and response bodies of the Livy REST API, as pydantic models.

Input models forbid unknown fields (Livy answers 400 to them, and a typo such as
``driverMemmory`` deserves a clear error rather than silence). Output models serialise with
Livy's camelCase names via aliases.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic.alias_generators import to_camel

from .validation import (
    ARGS_SCHEMA,
    CONF_SCHEMA,
    LIST_MAX_ITEMS,
    Code,
    ConfKey,
    ConfValue,
    Duration,
    PathText,
    SessionKind,
    ShortText,
    StatementKind,
)

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
    "PoolKindOut",
    "PoolOut",
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


# Cores and executors: at least one, and a count no cluster has more of.
_Count = Annotated[int, Field(ge=1, le=100_000)]
_Paths = Annotated[list[PathText], Field(max_length=LIST_MAX_ITEMS)]
# Livy's conf is Map[String, String]; numbers and booleans are accepted and turned into strings.
_Conf = Annotated[dict[ConfKey, ConfValue], Field(max_length=LIST_MAX_ITEMS), WithJsonSchema(CONF_SCHEMA)]


class _SparkJobRequest(_In):
    """What ``POST /sessions`` and ``POST /batches`` share: Spark's resources, files and conf."""

    proxy_user: ShortText | None = None
    jars: _Paths = Field(default_factory=list)
    py_files: _Paths = Field(default_factory=list)
    files: _Paths = Field(default_factory=list)
    archives: _Paths = Field(default_factory=list)
    driver_memory: ShortText | None = None
    driver_cores: _Count | None = None
    executor_memory: ShortText | None = None
    executor_cores: _Count | None = None
    num_executors: _Count | None = None
    queue: ShortText | None = None
    name: ShortText | None = None
    conf: _Conf = Field(default_factory=dict)

    @field_validator("conf", mode="before")
    @classmethod
    def _conf_values_as_strings(cls, value: Any) -> Any:
        # Livy's conf is Map[String, String]; clients often send numbers and booleans (not objects).
        return _as_strings(value)


class CreateSessionRequest(_SparkJobRequest):
    """Body of ``POST /sessions``."""

    kind: SessionKind | None = None
    # Seconds without a client request before the session is stopped; 0 or absent: no heartbeat needed.
    heartbeat_timeout_in_second: Annotated[int, Field(ge=0, le=10**9)] | None = None
    ttl: Duration | None = None
    idle_timeout: Duration | None = None


class CreateStatementRequest(_In):
    """Body of ``POST /sessions/{id}/statements``."""

    code: Code
    kind: StatementKind | None = None


class CompletionRequest(_In):
    """Body of ``POST /sessions/{id}/completion``."""

    code: Code
    kind: StatementKind | None = None
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


class PoolKindOut(BaseModel):
    """One pool kind in ``GET /pool``: sessions kept, ``idle`` now, still starting."""

    size: int
    ready: int
    starting: int


class PoolOut(BaseModel):
    """``GET /pool``: the warm pool (a sparkwire extension; pooled sessions are not in ``GET /sessions``).

    ``size`` is how many sessions the pool keeps in all, ``ready`` how many are ``idle`` now and
    ``starting`` how many are still starting; ``kinds`` gives the same per pool kind (``pyspark``,
    ``spark``).
    """

    size: int
    ready: int
    starting: int
    kinds: dict[str, PoolKindOut]


class VersionOut(BaseModel):
    """``GET /version``; ``gateway`` names this implementation."""

    version: str = LIVY_API_VERSION
    user: str | None = None
    revision: str | None = None
    branch: str | None = None
    date: str | None = None
    url: str | None = None
    gateway: str = "sparkwire"
    kinds: list[str] = Field(
        default_factory=list
    )  # the session kinds this gateway runs (the panel offers these)
    # What this gateway adds to Livy's API; clients use an extension only when it is listed here.
    # statement-wait: ``?wait=`` on the statement routes (long_poll.py); arrow-results:
    # ``/sessions/{id}/results/{token}`` (routes_results.py).
    extensions: list[str] = Field(default_factory=lambda: ["statement-wait", "arrow-results"])


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


class CreateBatchRequest(_SparkJobRequest):
    """Body of ``POST /batches``."""

    file: Annotated[PathText, Field(min_length=1)]
    class_name: ShortText | None = None
    args: Annotated[list[ConfValue], Field(max_length=LIST_MAX_ITEMS), WithJsonSchema(ARGS_SCHEMA)] = Field(
        default_factory=list
    )

    _args_as_strings = field_validator("args", mode="before")(_as_strings)


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
