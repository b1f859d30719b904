"""The sessions a kernel or an IPython shell works with, by name, shared by the kernel and the magics.

A name (the kernel uses one; the magics' ``-s NAME`` picks one) maps to a :class:`SessionHandle`: an
endpoint, the settings to create the session with, and once started the remote session id. Sessions
are created lazily by :meth:`SessionRegistry.ensure_started`; :meth:`~SessionRegistry.attach` joins an
existing one instead. A handle whose session was lost is :meth:`~SessionRegistry.forget`-ed and the
next ``ensure_started`` creates a new session. Sessions the registry created are "owned" and deleted
by :meth:`~SessionRegistry.close`; attached ones are left alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sparkwire.livy import (
    FINAL_STATES,
    LivyClient,
    LivyError,
    LivyTimeout,
    Session,
    SessionDead,
    SessionKind,
    wait_for_session,
)

from .config import EndpointConfig, SparkwireConfig
from .endpoints import ClientFactory, make_client
from .errors import EngineError, ExecutionInterrupted, UnknownSession
from .heartbeat import HeartbeatThread, heartbeat_interval
from .interrupts import interrupts_deferred
from .session_body import spec_from_body

__all__ = ["SessionHandle", "SessionRegistry", "StartCallback"]

StartCallback = Callable[[Session | None], None]
"""Called while a session starts: ``None`` before the create request, then each polled session."""

_LOG_LINES = 15


@dataclass
class SessionHandle:
    """A named session: where it lives, how to create it, and its remote id once started.

    :param name: the registry name (not the Livy session name).
    :param endpoint: the endpoint it lives on.
    :param body: the Livy ``POST /sessions`` body to create it with (kind included).
    :param session_id: the remote id, ``None`` until started (or after it was lost or deleted).
    :param owned: created by this registry (deleted on close) rather than attached.
    :param last: the session as last seen, if any.
    """

    name: str
    endpoint: EndpointConfig
    body: Mapping[str, Any] = field(default_factory=dict)
    session_id: int | None = None
    owned: bool = True
    last: Session | None = None

    @property
    def started(self) -> bool:
        """Whether a remote session is associated."""
        return self.session_id is not None

    @property
    def kind(self) -> SessionKind | None:
        """The session kind (from the remote session when known, else from the body)."""
        if self.last is not None and self.last.kind is not None:
            return self.last.kind
        return SessionKind.parse(self.body.get("kind"))


class SessionRegistry:
    """Named sessions on one or more endpoints; one client per endpoint, created on first use.

    :param config: the configuration (endpoints, session defaults).
    :param client_factory: builds a client for an endpoint (tests inject faults here).
    """

    def __init__(self, config: SparkwireConfig, *, client_factory: ClientFactory = make_client) -> None:
        self._config = config
        self._client_factory = client_factory
        self._handles: dict[str, SessionHandle] = {}
        self._clients: dict[tuple[Any, ...], LivyClient] = {}
        self._lock = threading.Lock()
        self._heartbeat: HeartbeatThread | None = None

    @property
    def config(self) -> SparkwireConfig:
        """The configuration."""
        return self._config

    # Endpoints and clients

    def endpoint(self, endpoint: EndpointConfig | str | None = None) -> EndpointConfig:
        """Resolve an endpoint.

        :param endpoint: a config, a configured endpoint's name, or ``None`` for the default.
        :return: the endpoint.
        :raises ConfigError: for an unknown name.
        """
        return endpoint if isinstance(endpoint, EndpointConfig) else self._config.endpoint(endpoint)

    def client(self, endpoint: EndpointConfig | str | None = None) -> LivyClient:
        """The client for an endpoint, created on first use and reused.

        :param endpoint: as for :meth:`endpoint`.
        :return: the client.
        :raises ConfigError: for an unknown endpoint or an invalid endpoint setting.
        """
        resolved = self.endpoint(endpoint)
        key = _endpoint_key(resolved)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = self._client_factory(resolved)
            return client

    # Names

    def __contains__(self, name: object) -> bool:
        return name in self._handles

    def __iter__(self) -> Iterator[SessionHandle]:
        return iter(list(self._handles.values()))

    def __len__(self) -> int:
        return len(self._handles)

    def get(self, name: str) -> SessionHandle:
        """:param name: a registered name. :return: its handle. :raises UnknownSession: if not registered."""
        try:
            return self._handles[name]
        except KeyError:
            known = ", ".join(sorted(self._handles)) or "none"
            raise UnknownSession(f"No session named {name!r} (sessions: {known}).", name=name) from None

    def add(
        self,
        name: str,
        *,
        endpoint: EndpointConfig | str | None = None,
        body: Mapping[str, Any] | None = None,
        replace: bool = False,
    ) -> SessionHandle:
        """Register a session to be created on first use (nothing is sent yet).

        :param name: the name.
        :param endpoint: where to create it; the default endpoint if ``None``.
        :param body: the full Livy session body (merge defaults with ``config.session_body`` first).
        :param replace: replace a registered name (its remote session is *not* deleted: :meth:`stop` it first).
        :return: the handle.
        :raises EngineError: if the name is taken and ``replace`` is false.
        :raises ConfigError: if ``body`` holds settings Livy would reject.
        """
        resolved = self.endpoint(endpoint)
        checked = dict(body or {})
        spec_from_body(checked, where=f"session {name!r}")
        with self._lock:
            if name in self._handles and not replace:
                raise EngineError(
                    f"A session named {name!r} already exists; delete it first or pick another name."
                )
            handle = self._handles[name] = SessionHandle(name=name, endpoint=resolved, body=checked)
        return handle

    def attach(
        self,
        name: str,
        session_id: int,
        *,
        endpoint: EndpointConfig | str | None = None,
        replace: bool = False,
    ) -> SessionHandle:
        """Join an existing remote session (it is not deleted on close).

        :param name: the name to register it under.
        :param session_id: the remote session id.
        :param endpoint: where it lives; the default endpoint if ``None``.
        :param replace: replace a registered name (its remote session is not deleted).
        :return: the handle, already started.
        :raises SessionNotFound: if the endpoint has no such session.
        :raises EngineError: if the session has ended, or the name is taken and ``replace`` is false.
        """
        resolved = self.endpoint(endpoint)
        session = self.client(resolved).get_session(session_id)
        if session.state in FINAL_STATES:
            raise EngineError(
                f"Session {session_id} on {resolved.url} has ended (state {session.state.value!r}); "
                "it cannot be attached. Attach a live session (see %%info) or start a new one."
            )
        with self._lock:
            if name in self._handles and not replace:
                raise EngineError(
                    f"A session named {name!r} already exists; delete it first or pick another name."
                )
            body = {"kind": session.kind.value} if session.kind is not None else {}
            handle = SessionHandle(
                name=name, endpoint=resolved, body=body, session_id=session.id, owned=False, last=session
            )
            self._handles[name] = handle
        return handle

    # Lifecycle

    def ensure_started(
        self, name: str, *, on_update: StartCallback | None = None, timeout: float | None = None
    ) -> SessionHandle:
        """Return the named session, creating it and waiting until it is ready if it has no remote session.

        A known session is returned as is, without a request: whether it still lives shows when it is
        used (see :func:`~.execution.execute`), which keeps short cells fast.

        :param name: the registered name.
        :param on_update: called with ``None`` before creating, then with each polled session.
        :param timeout: seconds to wait for the session to become ready (``None``: no limit).
        :return: the handle, started.
        :raises SessionDead: if the new session ends while starting (the message holds its log).
        :raises LivyTimeout: if it is not ready within ``timeout``; it is then deleted.
        :raises ExecutionInterrupted: on ``KeyboardInterrupt`` while starting; the session is deleted.
        """
        handle = self.get(name)
        if handle.session_id is not None:
            return handle
        client = self.client(handle.endpoint)
        if on_update is not None:
            on_update(None)
        spec = spec_from_body(
            self._with_heartbeat(handle.endpoint.with_proxy_user(handle.body)), where=f"session {name!r}"
        )
        with interrupts_deferred() as interrupted:
            session = client.create_session(spec)
        try:
            if interrupted():
                raise KeyboardInterrupt
            # reconnect_wait=0: a start fails at once on an unreachable endpoint (the cell is re-run).
            session = wait_for_session(
                client,
                session.id,
                seen=session,
                timeout=timeout,
                on_poll=on_update,
                log_lines=_LOG_LINES,
                reconnect_wait=0,
            )
        except KeyboardInterrupt:
            _delete_quietly(client, session.id)
            raise ExecutionInterrupted(
                f"Interrupted while session {session.id} was starting; it was deleted. Run the cell again "
                "to start a new one.",
                statement_id=None,
                cancelled=True,
            ) from None
        except SessionDead as exc:
            raise _dead(client, exc) from None
        except LivyTimeout as exc:
            _delete_quietly(client, session.id)
            raise LivyTimeout(
                f"Session {session.id} on {handle.endpoint.url} was not ready after {timeout:g} s, so it was "
                "deleted. The cluster may lack free resources; try again, or raise kernel.session_start_timeout "
                "in the config file.",
                url=exc.url,
                session_id=session.id,
            ) from None
        handle.session_id, handle.last, handle.owned = session.id, session, True
        self._start_heartbeat()
        return handle

    # Heartbeats

    def _with_heartbeat(self, body: Mapping[str, Any]) -> Mapping[str, Any]:
        timeout = self._config.kernel.heartbeat_timeout
        if timeout > 0 and "heartbeatTimeoutInSecond" not in body:
            return {**body, "heartbeatTimeoutInSecond": timeout}
        return body

    def _start_heartbeat(self) -> None:
        timeout = self._config.kernel.heartbeat_timeout
        with self._lock:
            if self._heartbeat is not None or timeout <= 0:
                return
            self._heartbeat = HeartbeatThread(self.send_heartbeats, heartbeat_interval(timeout))
        self._heartbeat.start()

    def send_heartbeats(self) -> None:
        """Ask about every started session once (Livy counts any ``GET`` of a session as a heartbeat).

        Errors are ignored: a lost session shows when it is next used.
        """
        for handle in list(self._handles.values()):
            if handle.session_id is None:
                continue
            try:
                self.client(handle.endpoint).session_state(handle.session_id, timeout=10.0)
            except LivyError:
                continue

    def forget(self, name: str) -> None:
        """Drop the named session's remote id (it was lost); the next use creates a new session.

        :param name: the registered name.
        """
        handle = self.get(name)
        handle.session_id, handle.last, handle.owned = None, None, True

    def refresh(self, name: str) -> Session | None:
        """Fetch the named session's current state.

        :param name: the registered name.
        :return: the session, or ``None`` if not started.
        :raises SessionNotFound: if the remote session is gone.
        """
        handle = self.get(name)
        if handle.session_id is None:
            return None
        handle.last = self.client(handle.endpoint).get_session(handle.session_id)
        return handle.last

    def stop(self, name: str) -> int | None:
        """Delete the named session's remote session (attached or not); the name stays registered.

        :param name: the registered name.
        :return: the deleted session id, or ``None`` if it was not started.
        """
        handle = self.get(name)
        session_id = handle.session_id
        if session_id is not None:
            self.client(handle.endpoint).delete_session(session_id, missing_ok=True)
            self.forget(name)
        return session_id

    def remove(self, name: str) -> int | None:
        """Delete the named session's remote session and unregister the name.

        :param name: the registered name.
        :return: the deleted session id, or ``None`` if it was not started.
        """
        session_id = self.stop(name)
        with self._lock:
            self._handles.pop(name, None)
        return session_id

    def delete_remote(self, session_id: int, *, endpoint: EndpointConfig | str | None = None) -> list[str]:
        """Delete any session of an endpoint by id (``%%delete -s ID``).

        :param session_id: the remote id.
        :param endpoint: the endpoint; the default if ``None``.
        :return: the registered names that used this session (now forgotten).
        :raises SessionNotFound: if there is no such session.
        """
        resolved = self.endpoint(endpoint)
        self.client(resolved).delete_session(session_id)
        return self._forget_matching(resolved, {session_id})

    def list_remote(self, endpoint: EndpointConfig | str | None = None) -> list[Session]:
        """All sessions of an endpoint (every page).

        :param endpoint: the endpoint; the default if ``None``.
        :return: the sessions.
        """
        client = self.client(endpoint)
        sessions: list[Session] = []
        while True:
            page = client.list_sessions(from_=len(sessions), size=100)
            sessions.extend(page.sessions)
            if not page.sessions or len(sessions) >= page.total:
                return sessions

    def cleanup(self, endpoint: EndpointConfig | str | None = None) -> list[int]:
        """Delete every session of an endpoint, this registry's and everyone else's (``%%cleanup -f``).

        :param endpoint: the endpoint; the default if ``None``.
        :return: the deleted ids.
        """
        resolved = self.endpoint(endpoint)
        client = self.client(resolved)
        ids = [session.id for session in self.list_remote(resolved)]
        for session_id in ids:
            client.delete_session(session_id, missing_ok=True)
        self._forget_matching(resolved, set(ids))
        return ids

    def close(self, *, keep_sessions: bool = False) -> list[tuple[str, LivyError]]:
        """Delete the sessions this registry created (unless ``keep_sessions``) and close the clients.

        Never raises for a failed delete: a shutting-down kernel must still exit.

        :param keep_sessions: leave the remote sessions running.
        :return: ``(name, error)`` for each session that could not be deleted.
        """
        failures: list[tuple[str, LivyError]] = []
        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None
        if not keep_sessions:
            for handle in list(self._handles.values()):
                if handle.owned and handle.session_id is not None:
                    try:
                        self.client(handle.endpoint).delete_session(
                            handle.session_id, missing_ok=True, timeout=5.0
                        )
                    except LivyError as exc:
                        failures.append((handle.name, exc))
                    handle.session_id = None
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()
        return failures

    def _forget_matching(self, endpoint: EndpointConfig, session_ids: set[int]) -> list[str]:
        names = []
        for handle in list(self._handles.values()):
            if handle.session_id in session_ids and handle.endpoint.url == endpoint.url:
                self.forget(handle.name)
                names.append(handle.name)
        return names


def _endpoint_key(endpoint: EndpointConfig) -> tuple[Any, ...]:
    return endpoint.connection_key()


def _delete_quietly(client: LivyClient, session_id: int) -> None:
    try:
        client.delete_session(session_id, missing_ok=True, timeout=5.0)
    except LivyError:
        pass  # Best effort: the original problem is what the user must see.


def _dead(client: LivyClient, dead: SessionDead) -> SessionDead:
    """The start's own message: what to do in a notebook, not in the client's terms."""
    lines = dead.log
    tail = "\n".join(f"    {line}" for line in lines[-_LOG_LINES:]) or "    (no log)"
    return SessionDead(
        f"Session {dead.session_id} on {client.url} ended in state {dead.state!r} while starting. "
        f"Its log usually says why (memory, Spark settings, queue limits); fix that (e.g. with %%configure -f) "
        f"and run the cell again to start a new session. Last log lines:\n{tail}",
        url=dead.url,
        session_id=dead.session_id,
        state=dead.state,
        log=lines,
    )
