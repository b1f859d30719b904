"""The outcome of one statement, and its Livy ``output`` JSON.

Livy reports a finished statement as ``{"status": "ok", "execution_count": n, "data": {MIME: value}}``
or ``{"status": "error", "execution_count": n, "ename", "evalue", "traceback"}``; the statement itself
stays ``available`` either way. :class:`ExecutionResult` is that object minus the count, which only the
session knows.
"""

from __future__ import annotations

import traceback as _traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ExecutionResult", "exception_only_lines", "safe_str"]


@dataclass(frozen=True)
class ExecutionResult:
    """A statement's result: ``ok`` with MIME data, or ``error`` with Python-style exception parts.

    Build one with :meth:`ok` or :meth:`error` rather than the constructor.

    :param status: ``"ok"`` or ``"error"``.
    :param data: MIME type to JSON-safe value (``ok`` only).
    :param ename: the exception's class name (``error`` only).
    :param evalue: the exception's message (``error`` only).
    :param traceback: formatted traceback lines, each ending in a newline as Livy sends them (``error`` only).
    """

    status: Literal["ok", "error"]
    data: Mapping[str, Any] = field(default_factory=dict)
    ename: str = ""
    evalue: str = ""
    traceback: tuple[str, ...] = ()

    @classmethod
    def ok(cls, data: Mapping[str, Any]) -> ExecutionResult:
        """A successful result.

        :param data: MIME type (``text/plain``, ``application/json``, ``image/png``, ...) to value.
        """
        return cls(status="ok", data=dict(data))

    @classmethod
    def error(cls, ename: str, evalue: str, traceback: Sequence[str] = ()) -> ExecutionResult:
        """A failed result.

        :param ename: the exception's class name, e.g. ``"NameError"``.
        :param evalue: the exception's message.
        :param traceback: formatted traceback lines.
        """
        return cls(status="error", ename=ename, evalue=evalue, traceback=tuple(traceback))

    @classmethod
    def from_exception_only(cls, exc: BaseException) -> ExecutionResult:
        """An error result for an exception raised outside user code, so with no stack frames.

        This is what Livy sends for syntax errors and failing magics.

        :param exc: the exception.
        """
        return cls.error(type(exc).__name__, safe_str(exc), exception_only_lines(exc))

    @property
    def is_ok(self) -> bool:
        """Whether the statement succeeded."""
        return self.status == "ok"

    def to_output(self, execution_count: int) -> dict[str, Any]:
        """Livy's ``output`` object for this result.

        :param execution_count: the statement id, which Livy reports as ``execution_count``.
        """
        if self.status == "ok":
            return {"status": "ok", "execution_count": execution_count, "data": dict(self.data)}
        return {
            "status": "error",
            "execution_count": execution_count,
            "ename": self.ename,
            "evalue": self.evalue,
            "traceback": list(self.traceback),
        }


def safe_str(exc: BaseException) -> str:
    """``str(exc)``, even for exceptions whose ``__str__`` itself fails.

    :param exc: the exception to describe.
    """
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - a broken __str__ must not crash the worker
        return f"<unprintable {type(exc).__name__} object>"


def exception_only_lines(exc: BaseException) -> list[str]:
    """The last lines of a traceback (``"Name: message\\n"``, plus a syntax error's source and caret).

    :param exc: the exception to format.
    """
    try:
        return _traceback.format_exception_only(type(exc), exc)
    except Exception:  # noqa: BLE001 - same for a broken __str__ met while formatting
        return [f"{type(exc).__name__}: {safe_str(exc)}\n"]
