"""Enums of kinds and states, and the state groups waiting code tests against.

Parsing is tolerant: Livy's kind aliases are accepted, and a state added by a later Livy parses as
``UNKNOWN`` instead of failing, so an old client can still display and wait on a new server.
"""

from __future__ import annotations

import enum
from types import MappingProxyType
from typing import Final

__all__ = [
    "BUSY_STATES",
    "FINAL_STATEMENT_STATES",
    "FINAL_STATES",
    "NOT_READY_STATES",
    "READY_STATES",
    "STARTING_STATES",
    "BatchState",
    "OutputStatus",
    "SessionKind",
    "SessionState",
    "StatementState",
]


class SessionKind(str, enum.Enum):
    """The language of a session or statement. Parsing also accepts Livy's aliases, in any case:
    ``scala`` (spark), ``python`` and the pre-0.5 ``pyspark3`` (pyspark), ``r`` (sparkr)."""

    SPARK = "spark"
    PYSPARK = "pyspark"
    SPARKR = "sparkr"
    SQL = "sql"
    SHARED = "shared"

    @classmethod
    def _missing_(cls, value: object) -> SessionKind | None:
        if isinstance(value, str):
            name = value.strip().lower()
            name = _KIND_ALIASES.get(name, name)
            for member in cls:
                if member.value == name:
                    return member
        return None

    @classmethod
    def parse(cls, value: object) -> SessionKind | None:
        """Parse a kind sent by a server, tolerating ``null`` and kinds we do not know.

        :param value: the JSON value.
        :return: the kind, or ``None`` if absent or unknown.
        """
        try:
            return cls(value)
        except ValueError:
            return None


_KIND_ALIASES: Final = MappingProxyType(
    {"scala": "spark", "python": "pyspark", "pyspark3": "pyspark", "r": "sparkr"}
)


class SessionState(str, enum.Enum):
    """The state of an interactive session or a batch. Unknown strings parse as ``UNKNOWN``."""

    NOT_STARTED = "not_started"
    STARTING = "starting"
    RECOVERING = "recovering"
    IDLE = "idle"
    RUNNING = "running"
    BUSY = "busy"
    SHUTTING_DOWN = "shutting_down"
    ERROR = "error"
    DEAD = "dead"
    KILLED = "killed"
    SUCCESS = "success"
    UNKNOWN = "unknown"

    @classmethod
    def _missing_(cls, value: object) -> SessionState:
        # A state added by a later Livy must not crash a client that only displays it.
        if isinstance(value, str):
            for member in cls:
                if member.value == value.strip().lower():
                    return member
        return cls.UNKNOWN


BatchState = SessionState
"""Batches share the session states (``running``, ``success`` are the batch-specific ones)."""


class StatementState(str, enum.Enum):
    """The state of a statement. Unknown strings parse as ``UNKNOWN``."""

    WAITING = "waiting"
    RUNNING = "running"
    AVAILABLE = "available"
    ERROR = "error"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"

    @classmethod
    def _missing_(cls, value: object) -> StatementState:
        if isinstance(value, str):
            for member in cls:
                if member.value == value.strip().lower():
                    return member
        return cls.UNKNOWN


class OutputStatus(str, enum.Enum):
    """``output.status`` of a finished statement. Anything but ``ok`` parses as ``ERROR``."""

    OK = "ok"
    ERROR = "error"

    @classmethod
    def _missing_(cls, value: object) -> OutputStatus:
        if isinstance(value, str) and value.strip().lower() == "ok":
            return cls.OK
        return cls.ERROR


STARTING_STATES: Final = frozenset({SessionState.NOT_STARTED, SessionState.STARTING, SessionState.RECOVERING})
"""Not yet able to run code."""
READY_STATES: Final = frozenset({SessionState.IDLE})
"""Ready to run a statement at once."""
BUSY_STATES: Final = frozenset({SessionState.BUSY, SessionState.RUNNING})
"""Running code; a new statement queues as ``waiting`` (``running`` is the batch spelling)."""
FINAL_STATES: Final = frozenset(
    {SessionState.ERROR, SessionState.DEAD, SessionState.KILLED, SessionState.SUCCESS}
)
"""Finished for good: the session will never run code again."""
NOT_READY_STATES: Final = STARTING_STATES | BUSY_STATES | {SessionState.SHUTTING_DOWN}
"""Alive but not idle: starting, busy, or on the way to a final state."""
FINAL_STATEMENT_STATES: Final = frozenset(
    {StatementState.AVAILABLE, StatementState.CANCELLED, StatementState.ERROR}
)
"""A statement in one of these states will not change again."""
