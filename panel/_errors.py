"""Errors of the panel's handlers and the one mapping of every failure to an HTTP answer.

::

    PanelRequestError        the browser's request cannot be served: bad JSON, unknown endpoint...
    (sparkwire.livy errors)  the endpoint failed: mapped by :func:`error_answer`
    (engine ConfigError)     the configuration is wrong: 500, the message says which file and key

Bodies are ``{"message", "reason"}``; messages come from errors that never hold credentials
(sparkwire.livy strips them from URLs), and an unexpected error is reported by class only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sparkwire.engine.errors import ConfigError
from sparkwire.livy import (
    AuthenticationFailed,
    BadRequest,
    BatchNotFound,
    EndpointUnreachable,
    LivyError,
    LivyTimeout,
    MissingDependency,
    SessionNotFound,
)

__all__ = ["ErrorAnswer", "PanelRequestError", "error_answer"]


class PanelRequestError(Exception):
    """A request the handlers refuse before calling any endpoint.

    :param message: what is wrong and how to fix it.
    :param status: the HTTP status, 400 by default.
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ErrorAnswer:
    """An error answer for the browser.

    :param status: the HTTP status.
    :param reason: a short name of the failure (the error class).
    :param message: what happened and what to do.
    """

    status: int
    reason: str
    message: str


# Order matters: subclasses before their bases.
_LIVY_STATUSES: tuple[tuple[type[LivyError], int], ...] = (
    (SessionNotFound, 404),
    (BatchNotFound, 404),
    (BadRequest, 400),
    # The endpoint refused *our server's* credentials: a failure upstream (502), not the browser's
    # own 401/403, which JupyterLab would take for an expired Jupyter login.
    (AuthenticationFailed, 502),
    (EndpointUnreachable, 502),
    (LivyTimeout, 504),
    (MissingDependency, 500),
)


def error_answer(error: BaseException) -> ErrorAnswer:
    """Map a failure to its answer.

    :param error: what a handler raised.
    :return: the status, reason and message; unknown errors give 500 with their class name only.
    """
    if isinstance(error, PanelRequestError):
        return ErrorAnswer(error.status, "BadRequest" if error.status == 400 else "NotFound", error.message)
    if isinstance(error, ConfigError):
        return ErrorAnswer(500, "ConfigError", str(error))
    if isinstance(error, LivyError):
        status = next((code for cls, code in _LIVY_STATUSES if isinstance(error, cls)), 502)
        return ErrorAnswer(status, type(error).__name__, str(error))
    return ErrorAnswer(
        500,
        "InternalError",
        f"The sparkwire panel failed unexpectedly ({type(error).__name__}); the Jupyter server's log has "
        "the details. This is a bug in sparkwire: please report it.",
    )
