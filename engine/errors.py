"""Errors raised by :mod:`sparkwire.engine`, and the one-line report both front doors show for any failure.

::

    EngineError                  every engine error below
     ├── ConfigError             the config file or a setting is wrong: which file, which key, what to write
     ├── UnknownSession          no session of that name is registered (magics' ``-s NAME``)
     ├── SessionLost             the remote session vanished or died; the next use starts a new one
     └── ExecutionInterrupted    the user interrupted a statement; it was cancelled, the session lives on

Errors of the Livy client (:class:`sparkwire.livy.LivyError`) pass through the engine unchanged: they
already say what happened and what to do. :func:`describe_error` turns any of them into an
:class:`ErrorReport` (a name and one message, never a Python traceback or a secret);
:func:`message_error` makes the :class:`~.tracebacks.ErrorInfo` results carry from it, which the
kernel sends as an error reply and the magics raise.
"""

from __future__ import annotations

from dataclasses import dataclass

from sparkwire.livy import LivyError

from .tracebacks import ErrorInfo

__all__ = [
    "ConfigError",
    "ConfigWarning",
    "EngineError",
    "ErrorReport",
    "ExecutionInterrupted",
    "SessionLost",
    "UnknownSession",
    "describe_error",
    "message_error",
    "report_to_error",
]


class ConfigWarning(UserWarning):
    """A setting of the config file has no effect (an unknown key): shown once per process and message."""


class EngineError(Exception):
    """Base class of the engine's own errors; ``str(error)`` says what happened and what to do.

    :param message: the explanation shown to the user.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(EngineError):
    """The configuration is invalid: a file that is not JSON, an unknown key, a missing endpoint or profile."""


class UnknownSession(EngineError):
    """No session with this name is registered.

    :param name: the name asked for.
    """

    def __init__(self, message: str, *, name: str) -> None:
        super().__init__(message)
        self.name = name


class SessionLost(EngineError):
    """The remote session is gone (deleted, dead, timed out, server restarted); it was forgotten, so the
    next statement starts a new session.

    :param session_id: the id of the lost session.
    :param state: its last known state (``"dead"``, ``"killed"``...), or ``"not found"``.
    """

    def __init__(self, message: str, *, session_id: int, state: str) -> None:
        super().__init__(message)
        self.session_id = session_id
        self.state = state


class ExecutionInterrupted(EngineError):
    """The user interrupted a running statement; it was cancelled and the session stays usable.

    :param statement_id: the cancelled statement, or ``None`` if it was never submitted.
    :param cancelled: whether the server confirmed the cancel in time.
    """

    def __init__(self, message: str, *, statement_id: int | None, cancelled: bool) -> None:
        super().__init__(message)
        self.statement_id = statement_id
        self.cancelled = cancelled


@dataclass(frozen=True)
class ErrorReport:
    """One failure as a user sees it: a short name and one message (no traceback, no secret).

    :param ename: a short name, e.g. ``"EndpointUnreachable"``, ``"SessionLost"``.
    :param message: what happened and what to do.
    """

    ename: str
    message: str


def describe_error(error: BaseException) -> ErrorReport:
    """Describe an engine, Livy or unexpected error for the user.

    :param error: the exception.
    :return: its report; an unexpected exception is reported by class and message, asking for a bug report.
    """
    if isinstance(error, ExecutionInterrupted):
        # Jupyter frontends and papermill know an interrupted cell by this name.
        return ErrorReport("KeyboardInterrupt", str(error))
    if isinstance(error, EngineError | LivyError):
        return ErrorReport(type(error).__name__, str(error))
    if isinstance(error, KeyboardInterrupt):
        return ErrorReport("KeyboardInterrupt", "Interrupted.")
    text = str(error) or "(no message)"
    return ErrorReport(
        "InternalError",
        f"sparkwire failed unexpectedly ({type(error).__name__}: {text}). This is a bug in sparkwire; "
        "please report it with the steps that led here. Running the cell again may work.",
    )


def message_error(ename: str, message: str) -> ErrorInfo:
    """An error of ours as Jupyter shows it: no Python traceback, just the message.

    :param ename: the name, e.g. ``"SessionLost"``, ``"UsageError"``.
    :param message: what happened and what to do.
    :return: the error; its ``traceback`` is the message's lines, the first prefixed by the name.
    """
    lines = message.splitlines() or [""]
    return ErrorInfo(ename, message, (f"{ename}: {lines[0]}", *lines[1:]))


def report_to_error(report: ErrorReport) -> ErrorInfo:
    """:return: the failure as the error results carry (:func:`message_error`)."""
    return message_error(report.ename, report.message)
