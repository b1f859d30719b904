"""Errors raised by :mod:`sparkwire.livy`: one base class, one leaf per case where the caller acts differently.

::

    LivyError                      every error below; carries ``url`` (no credentials) and ``session_id``
     ├── EndpointUnreachable       connection refused, DNS failure, connection reset, TLS failure
     ├── LivyTimeout               a request, or a wait for a session/statement, took too long
     ├── HTTPStatusError           the server answered with an error status; carries ``status``, ``server_message``
     │    ├── AuthenticationFailed 401/403: wrong credentials, wrong auth type, or no access
     │    ├── BadRequest           400 (and other 4xx): the server refused the request as sent
     │    ├── NotFound             404 outside the paths below: probably not a Livy URL
     │    │    ├── SessionNotFound     404 on /sessions/{id}...
     │    │    ├── StatementNotFound   404 on /sessions/{id}/statements/{sid} naming the statement
     │    │    └── BatchNotFound       404 on /batches/{id}...
     │    └── ServerError          5xx: a failure inside the server or a proxy in front of it
     ├── InvalidResponse           a body that is not JSON, or JSON of an unexpected shape
     ├── SessionDead               a session reached a final state while we waited for it to be ready
     ├── StatementFailed           the code ran and raised: ``ename``, ``evalue``, ``traceback``
     ├── StatementCancelled        the statement ended cancelled
     ├── CredentialsUnavailable    no credentials to send: a token command failed, no cloud credentials
     └── MissingDependency         an optional package (e.g. requests-kerberos) is not installed

Messages say what happened and what to do about it. They never contain passwords or tokens: URLs
are stripped of their ``user:password@`` part before they reach an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "AuthenticationFailed",
    "BadRequest",
    "BatchNotFound",
    "CredentialsUnavailable",
    "EndpointUnreachable",
    "HTTPStatusError",
    "InvalidResponse",
    "LivyError",
    "LivyTimeout",
    "MissingDependency",
    "NotFound",
    "ServerError",
    "SessionDead",
    "SessionNotFound",
    "StatementCancelled",
    "StatementFailed",
    "StatementNotFound",
]

SessionId = int | str


def _rebuild(cls: type[LivyError], args: tuple[Any, ...], state: dict[str, Any]) -> LivyError:
    """Recreate an error from :meth:`LivyError.__reduce__` without calling ``__init__``."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class LivyError(Exception):
    """Base class of every error raised by :mod:`sparkwire.livy`.

    :param message: what happened and what to do, shown as ``str(error)``.
    :param url: the URL involved, without credentials, or ``None``.
    :param session_id: the session involved (an id, or a name on Livy 0.6+), or ``None``.
    """

    def __init__(self, message: str, *, url: str | None = None, session_id: SessionId | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        self.session_id = session_id

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructor arguments break Exception's default pickling; keep the attributes.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class EndpointUnreachable(LivyError):
    """No HTTP answer: connection refused, name not resolved, connection reset, TLS handshake failed.

    :param request_may_have_reached_server: ``True`` when the connection broke after the request was
        sent, so a non-idempotent request (creating a session, submitting a statement) may have been
        acted on; look before resubmitting.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        session_id: SessionId | None = None,
        request_may_have_reached_server: bool = False,
    ) -> None:
        super().__init__(message, url=url, session_id=session_id)
        self.request_may_have_reached_server = request_may_have_reached_server


class LivyTimeout(LivyError):
    """A request got no answer in time, or a wait for a session or statement exceeded its limit."""


class HTTPStatusError(LivyError):
    """The server answered with an error status.

    :param status: the HTTP status code.
    :param server_message: the server's own explanation, extracted from its body (``{"msg"}``, a JSON
        string, HTML or text), or ``""``.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        session_id: SessionId | None = None,
        status: int = 0,
        server_message: str = "",
    ) -> None:
        super().__init__(message, url=url, session_id=session_id)
        self.status = status
        self.server_message = server_message


class CredentialsUnavailable(LivyError):
    """The client could not obtain credentials to send: a ``token_command`` failed or timed out, or no
    cloud credentials were found. Nothing was sent with them; fix the command or sign in, then retry."""


class AuthenticationFailed(HTTPStatusError):
    """401 or 403: check the credentials and the auth type configured for the endpoint."""


class BadRequest(HTTPStatusError):
    """400 (or another 4xx without its own class): the server refused the request as sent."""


class NotFound(HTTPStatusError):
    """404 on a path that names no session, statement or batch: the URL is probably not a Livy server."""


class SessionNotFound(NotFound):
    """404 on a session path: no session with this id or name (it may have ended and been forgotten)."""


class StatementNotFound(NotFound):
    """404 naming a statement: the session exists but not the statement (Livy keeps the last 100).

    :param statement_id: the statement asked for.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        session_id: SessionId | None = None,
        status: int = 404,
        server_message: str = "",
        statement_id: int | None = None,
    ) -> None:
        super().__init__(
            message, url=url, session_id=session_id, status=status, server_message=server_message
        )
        self.statement_id = statement_id


class BatchNotFound(NotFound):
    """404 on a batch path: no batch with this id or name.

    :param batch_id: the batch asked for.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int = 404,
        server_message: str = "",
        batch_id: SessionId | None = None,
    ) -> None:
        super().__init__(message, url=url, status=status, server_message=server_message)
        self.batch_id = batch_id


class ServerError(HTTPStatusError):
    """5xx: the server, or a proxy in front of it, failed; the server's log has the cause."""


class InvalidResponse(LivyError):
    """The answer is not JSON, or not JSON of the shape Livy documents.

    :param status: the HTTP status of the answer.
    :param excerpt: the start of the body, whitespace collapsed, for the message and for debugging.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        session_id: SessionId | None = None,
        status: int = 0,
        excerpt: str = "",
    ) -> None:
        super().__init__(message, url=url, session_id=session_id)
        self.status = status
        self.excerpt = excerpt


class SessionDead(LivyError):
    """The session reached a final state (error, dead, killed, success) while we wanted it ready.

    :param state: the final state, as Livy spells it.
    :param log: the last lines of the session log, which usually say why.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        session_id: SessionId | None = None,
        state: str = "",
        log: Sequence[str] = (),
    ) -> None:
        super().__init__(message, url=url, session_id=session_id)
        self.state = state
        self.log = tuple(log)


class StatementFailed(LivyError):
    """The statement ran and raised; the remote exception is in ``ename``, ``evalue``, ``traceback``.

    :param ename: the remote exception's class name.
    :param evalue: the remote exception's message.
    :param traceback: the remote traceback, one string per line.
    :param statement_id: the statement, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        session_id: SessionId | None = None,
        ename: str = "",
        evalue: str = "",
        traceback: Sequence[str] = (),
        statement_id: int | None = None,
    ) -> None:
        super().__init__(message, url=url, session_id=session_id)
        self.ename = ename
        self.evalue = evalue
        self.traceback = tuple(traceback)
        self.statement_id = statement_id


class StatementCancelled(LivyError):
    """The statement ended cancelled (by us or by someone else) and has no output.

    :param statement_id: the statement, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        session_id: SessionId | None = None,
        statement_id: int | None = None,
    ) -> None:
        super().__init__(message, url=url, session_id=session_id)
        self.statement_id = statement_id


class MissingDependency(LivyError):
    """An optional dependency needed for the chosen configuration is not installed.

    :param package: the missing import, e.g. ``"requests_kerberos"``.
    :param install: the command that installs it.
    """

    def __init__(self, message: str, *, package: str = "", install: str = "") -> None:
        super().__init__(message)
        self.package = package
        self.install = install
