"""Domain errors of the gateway and their HTTP status; app.py maps them to ``{"msg": ...}``.

GatewayError
 ├── BadRequest (400): invalid input, a statement for a finished session, ...
 │    └── TooManySessions (400): the session limit is reached
 ├── SessionNotFound (404)
 ├── StatementNotFound (404)
 └── ResultNotFound (404): no query result file under that token (routes_results.py)
"""

from __future__ import annotations

__all__ = [
    "BadRequest",
    "GatewayError",
    "ResultNotFound",
    "SessionNotFound",
    "StatementNotFound",
    "TooManySessions",
]


class GatewayError(Exception):
    """Base of errors that become an HTTP answer."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(GatewayError):
    """The request cannot be served as asked."""

    status_code = 400


class TooManySessions(BadRequest):
    """The gateway's ``max_sessions`` limit is reached."""


class SessionNotFound(GatewayError):
    """No session with this id or name."""

    status_code = 404


class SparkUiUnavailable(GatewayError):
    """The session has no Spark UI to proxy (not started yet, ended, or the UI is disabled)."""

    status_code = 404


class StatementNotFound(GatewayError):
    """No statement with this id in the session."""

    status_code = 404


class ResultNotFound(GatewayError):
    """No query result file under this token: never written, fetched already, or replaced by a newer query."""

    status_code = 404
