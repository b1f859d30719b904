"""The typed Livy client: one method per REST call, each returning a model.

Waiting for sessions and statements lives apart, in ``_waiting``; this module only talks. The
batch calls are in ``_batches`` and the shared machinery in ``_calls``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from ._auth import Auth
from ._batches import BatchCalls
from ._calls import CallTimeout, kind_value, paging, parse_state
from ._errors import BadRequest, InvalidResponse, LivyError, NotFound, SessionId, SessionNotFound
from ._models import Session, SessionList, SessionLog, Statement, StatementList
from ._retries import DEFAULT_RETRIES, RetryPolicy
from ._specs import SessionSpec
from ._states import SessionKind, SessionState
from ._timeouts import DEFAULT_TIMEOUT, USE_CLIENT_DEFAULT, TimeoutTypes
from ._transport import JsonTransport
from ._urls import quote_id
from ._version import VersionInfo

__all__ = ["LivyClient"]


class LivyClient(BatchCalls):
    """A client for one Livy server (0.5–0.9) or sparkwire's gateway.

    Every method raises a :class:`~sparkwire.livy.LivyError` subclass on failure; ids may be ints
    or, on Livy 0.6+, session names. Use as a context manager, or call :meth:`close`.

    :param url: the server's base URL, e.g. ``http://localhost:8998``. A ``user:password@`` in it is
        used for basic auth when ``auth`` is None, and never appears in messages.
    :param auth: the authentication (:class:`NoAuth`, :class:`BasicAuth`, :class:`KerberosAuth`,
        :class:`BearerAuth`, :class:`AwsSigV4Auth`, :class:`GoogleAuth`, :class:`CustomAuth`, or one from
        :func:`auth_from_config`); ``None`` for none.
    :param verify: TLS verification: ``True``, ``False`` (insecure), or the path of a CA bundle.
    :param cert: a client certificate for mutual TLS: a PEM file with certificate and key, or
        ``(certificate, key)`` paths.
    :param timeout: the default per-request timeout: a :class:`Timeout`, seconds, or ``None`` (none).
    :param headers: extra headers for every request.
    :param session: a ``requests.Session`` to send with (left open on close); by default the client
        creates its own and closes it.
    :param retries: how requests that are safe to repeat are repeated.
    :raises ValueError: for a URL that is not http(s) or a CA bundle path that does not exist.
    :raises MissingDependency: if the authentication needs a package that is not installed.
    """

    def __init__(
        self,
        url: str,
        *,
        auth: Auth | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
        retries: RetryPolicy = DEFAULT_RETRIES,
    ) -> None:
        transport = JsonTransport(
            url,
            auth=auth,
            headers=headers,
            verify=verify,
            cert=cert,
            timeout=timeout,
            session=session,
            retries=retries,
        )
        super().__init__(transport)
        self._extensions: frozenset[str] | None = None  # from /version, asked once

    # Server

    def version(self, *, timeout: CallTimeout = USE_CLIENT_DEFAULT) -> VersionInfo:
        """``GET /version``: the server's version, to pick features.

        :param timeout: this call's timeout; by default the client's.
        :return: the version information; compare ``.version`` with tuples, e.g. ``>= (0, 6)``.
        """
        return self._get("/version", VersionInfo.from_json, timeout)

    def extensions(self) -> frozenset[str]:
        """What the server adds to Livy's API, from ``/version`` (asked once, then remembered).

        sparkwire's gateway lists ``statement-wait`` (:meth:`get_statement` and :meth:`submit_statement`
        can wait for the statement to finish) and ``arrow-results`` (:meth:`get_result`). Apache Livy
        lists none, and then nothing but Livy's own API is used.

        :return: the extension names; empty when ``/version`` could not be read.
        """
        if self._extensions is None:
            try:
                found = self.version(timeout=10.0).extensions
            except (BadRequest, NotFound, InvalidResponse):
                found = frozenset()  # the server answered: it has no /version we can read, so no extensions
            except LivyError:
                return frozenset()  # unreachable for now: asked again next time
            self._extensions = found
        return self._extensions

    # Interactive sessions

    def list_sessions(
        self, from_: int = 0, size: int = 100, *, timeout: CallTimeout = USE_CLIENT_DEFAULT
    ) -> SessionList:
        """``GET /sessions``: one page of sessions.

        :param from_: the offset of the first session.
        :param size: the page size.
        :param timeout: this call's timeout; by default the client's.
        :return: the page, with the total count.
        """
        return self._get("/sessions", SessionList.from_json, timeout, paging(from_, size))

    def create_session(
        self, spec: SessionSpec | None = None, *, timeout: CallTimeout = USE_CLIENT_DEFAULT
    ) -> Session:
        """``POST /sessions``: start a session; it begins ``starting`` (see ``wait_for_session``).

        Not repeated once the request may have reached the server: that could start two sessions.

        :param spec: what to create; ``None`` for the server's defaults (a shared session on 0.5+).
        :param timeout: this call's timeout; by default the client's.
        :return: the new session.
        """
        body = (spec or SessionSpec()).to_json()
        response = self._call("POST", "/sessions", json=body, idempotent=False, timeout=timeout)
        return self._parse(Session.from_json, response, "POST", "/sessions")

    def get_session(self, session_id: SessionId, *, timeout: CallTimeout = USE_CLIENT_DEFAULT) -> Session:
        """``GET /sessions/{id}``.

        :param session_id: the session id or name.
        :param timeout: this call's timeout; by default the client's.
        :return: the session.
        :raises SessionNotFound: if there is no such session.
        """
        return self._get(f"/sessions/{quote_id(session_id)}", Session.from_json, timeout)

    def session_state(
        self, session_id: SessionId, *, timeout: CallTimeout = USE_CLIENT_DEFAULT
    ) -> SessionState:
        """``GET /sessions/{id}/state``: a cheaper poll than :meth:`get_session`.

        :param session_id: the session id or name.
        :param timeout: this call's timeout; by default the client's.
        :return: the state.
        :raises SessionNotFound: if there is no such session.
        """
        return self._get(f"/sessions/{quote_id(session_id)}/state", parse_state, timeout)

    def session_log(
        self,
        session_id: SessionId,
        from_: int | None = None,
        size: int = 100,
        *,
        timeout: CallTimeout = USE_CLIENT_DEFAULT,
    ) -> SessionLog:
        """``GET /sessions/{id}/log``.

        :param session_id: the session id or name.
        :param from_: the first line; ``None`` for the last ``size`` lines.
        :param size: how many lines; negative for all.
        :param timeout: this call's timeout; by default the client's.
        :return: the slice of the log.
        :raises SessionNotFound: if there is no such session.
        """
        path = f"/sessions/{quote_id(session_id)}/log"
        return self._get(path, SessionLog.from_json, timeout, paging(from_, size))

    def delete_session(
        self, session_id: SessionId, *, missing_ok: bool = False, timeout: CallTimeout = USE_CLIENT_DEFAULT
    ) -> None:
        """``DELETE /sessions/{id}``: stop the session and its Spark application.

        :param session_id: the session id or name.
        :param missing_ok: do not raise if the session is already gone.
        :param timeout: this call's timeout; by default the client's.
        :raises SessionNotFound: if there is no such session and ``missing_ok`` is false.
        """
        try:
            self._call("DELETE", f"/sessions/{quote_id(session_id)}", idempotent=True, timeout=timeout)
        except SessionNotFound:
            if not missing_ok:
                raise

    def connect_session(self, session_id: SessionId, *, timeout: CallTimeout = USE_CLIENT_DEFAULT) -> Session:
        """``POST /sessions/{id}/connect``: record activity, keeping an idle session from timing out.

        :param session_id: the session id or name.
        :param timeout: this call's timeout; by default the client's.
        :return: the session.
        :raises SessionNotFound: if there is no such session.
        """
        path = f"/sessions/{quote_id(session_id)}/connect"
        return self._parse(
            Session.from_json, self._call("POST", path, idempotent=True, timeout=timeout), "POST", path
        )

    # Statements

    def list_statements(
        self,
        session_id: SessionId,
        from_: int | None = None,
        size: int | None = None,
        *,
        timeout: CallTimeout = USE_CLIENT_DEFAULT,
    ) -> StatementList:
        """``GET /sessions/{id}/statements``: the statements Livy still holds (the last 100).

        :param session_id: the session id or name.
        :param from_: the offset of the first statement; ``None`` for the server's default.
        :param size: how many; ``None`` for the server's default.
        :param timeout: this call's timeout; by default the client's.
        :return: the statements.
        :raises SessionNotFound: if there is no such session.
        """
        path = f"/sessions/{quote_id(session_id)}/statements"
        return self._get(path, StatementList.from_json, timeout, paging(from_, size))

    def submit_statement(
        self,
        session_id: SessionId,
        code: str,
        kind: SessionKind | str | None = None,
        *,
        timeout: CallTimeout = USE_CLIENT_DEFAULT,
        wait: float | None = None,
    ) -> Statement:
        """``POST /sessions/{id}/statements``: queue code to run; it runs asynchronously.

        Not repeated once the request may have reached the server: that could run the code twice.

        :param session_id: the session id or name.
        :param code: the code.
        :param kind: the language (needed on a shared session); ``None`` for the session's kind.
        :param timeout: this call's timeout; by default the client's.
        :param wait: on a server with the ``statement-wait`` extension, answer once the statement is
            finished or after this many seconds, whichever is first; ignored elsewhere.
        :return: the statement, usually ``waiting`` (see ``wait_for_statement``).
        :raises SessionNotFound: if there is no such session.
        """
        body: dict[str, Any] = {"code": code}
        if kind is not None:
            body["kind"] = kind_value(kind)
        path = f"/sessions/{quote_id(session_id)}/statements"
        response = self._call(
            "POST", path, json=body, idempotent=False, timeout=timeout, params=self._wait_params(wait)
        )
        return self._parse(Statement.from_json, response, "POST", path)

    def get_statement(
        self,
        session_id: SessionId,
        statement_id: int,
        *,
        timeout: CallTimeout = USE_CLIENT_DEFAULT,
        wait: float | None = None,
    ) -> Statement:
        """``GET /sessions/{id}/statements/{sid}``.

        :param session_id: the session id or name.
        :param statement_id: the statement id.
        :param timeout: this call's timeout; by default the client's.
        :param wait: on a server with the ``statement-wait`` extension, answer once the statement is
            finished or after this many seconds, whichever is first; ignored elsewhere.
        :return: the statement.
        :raises SessionNotFound: if there is no such session.
        :raises StatementNotFound: if the session has no such statement.
        """
        return self._get(
            f"/sessions/{quote_id(session_id)}/statements/{int(statement_id)}",
            Statement.from_json,
            timeout,
            self._wait_params(wait),
        )

    def _wait_params(self, wait: float | None) -> dict[str, str] | None:
        if not wait or wait <= 0 or "statement-wait" not in self.extensions():
            return None
        return {"wait": f"{min(wait, 30.0):.3f}"}

    def get_result(
        self, session_id: SessionId, token: str, *, timeout: CallTimeout = USE_CLIENT_DEFAULT
    ) -> bytes:
        """``GET /sessions/{id}/results/{token}`` (sparkwire's ``arrow-results`` extension): a query
        result the session wrote as a file, as an Arrow IPC stream. Served once, then deleted.

        :param session_id: the session id or name.
        :param token: the result's token (the SQL helper's response names it).
        :param timeout: this call's timeout; by default the client's.
        :return: the stream's bytes.
        :raises LivyError: e.g. a ``NotFound`` once the result was fetched or replaced.
        """
        path = f"/sessions/{quote_id(session_id)}/results/{quote_id(token)}"
        response = self._transport.request("GET", path, timeout=timeout, idempotent=True, raw=True)
        return bytes(response.body)

    def cancel_statement(
        self, session_id: SessionId, statement_id: int, *, timeout: CallTimeout = USE_CLIENT_DEFAULT
    ) -> None:
        """``POST /sessions/{id}/statements/{sid}/cancel``: ask to cancel; the statement moves to
        ``cancelling`` then ``cancelled``. Harmless on a finished statement, so safe to repeat.

        :param session_id: the session id or name.
        :param statement_id: the statement id.
        :param timeout: this call's timeout; by default the client's.
        :raises SessionNotFound: if there is no such session.
        """
        path = f"/sessions/{quote_id(session_id)}/statements/{int(statement_id)}/cancel"
        self._call("POST", path, idempotent=True, timeout=timeout)

    def complete(
        self,
        session_id: SessionId,
        code: str,
        kind: SessionKind | str,
        cursor: int,
        *,
        timeout: CallTimeout = USE_CLIENT_DEFAULT,
    ) -> list[str]:
        """``POST /sessions/{id}/completion``: completion candidates at ``cursor`` (Livy 0.6+).

        Real Livy completes Scala only (Python gets ``[]``); sparkwire's gateway completes Python too.

        :param session_id: the session id or name.
        :param code: the code being edited.
        :param kind: its language.
        :param cursor: the cursor's offset in ``code``.
        :param timeout: this call's timeout; by default the client's.
        :return: the candidates, possibly empty.
        :raises SessionNotFound: if there is no such session.
        """
        path = f"/sessions/{quote_id(session_id)}/completion"
        body = {"code": code, "kind": kind_value(kind), "cursor": int(cursor)}
        response = self._call("POST", path, json=body, idempotent=True, timeout=timeout)
        return self._parse(_candidates, response, "POST", path)


def _candidates(data: Mapping[str, Any]) -> list[str]:
    candidates = data.get("candidates") or []
    if not isinstance(candidates, list):
        raise TypeError(f"expected a list of candidates, got {type(candidates).__name__}")
    return [str(item) for item in candidates]
