"""The registry of interactive sessions: create, find, list, delete, and expire them."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import shlex
import time
from dataclasses import replace
from pathlib import Path

from .errors import BadRequest, SessionNotFound, TooManySessions
from .kinds import resolve_session_kind, runnable_kinds
from .liveness import LivenessPolicy
from .models import CreateSessionRequest
from .pool import PoolStatus, SessionPool, matches_pool
from .session import InteractiveSession, SessionInfo, session_work_dir
from .session_ids import SessionIds
from .session_network import forced_ui_conf, ui_environment
from .settings import GatewaySettings
from .spark_submit import SparkJobSpec, submit_args
from .store import SessionStore, StoredSession
from .validation import parse_id
from .worker_process import WorkerLaunch, default_python
from .worker_socket import SocketDir

__all__ = ["SessionManager", "job_spec_from_request", "parse_duration"]

log = logging.getLogger("sparkwire.gateway")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$")
_UNIT_SECONDS = {None: 1.0, "ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str | None, field_name: str) -> float | None:
    """Parse Livy durations such as ``"30s"``, ``"10m"``, ``"2h"``.

    :return: seconds, or None when not given.
    :raises BadRequest: for anything else.
    """
    if text is None:
        return None
    match = _DURATION.match(text)
    if not match:
        raise BadRequest(f"{field_name} must be a duration such as '30s', '10m' or '2h', not {text!r}.")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def job_spec_from_request(request: CreateSessionRequest, proxy_user: str | None) -> SparkJobSpec:
    """:return: the Spark resources a session request asks for."""
    return SparkJobSpec(
        name=request.name,
        proxy_user=proxy_user,
        driver_memory=request.driver_memory,
        driver_cores=request.driver_cores,
        executor_memory=request.executor_memory,
        executor_cores=request.executor_cores,
        num_executors=request.num_executors,
        jars=tuple(request.jars),
        py_files=tuple(request.py_files),
        files=tuple(request.files),
        archives=tuple(request.archives),
        queue=request.queue,
        conf=dict(request.conf),
    )


def _pool_kinds(settings: GatewaySettings) -> tuple[str, ...]:
    """:return: the pool kinds the gateway keeps: ``pool_kinds``, without ``spark`` where Scala cannot run."""
    kinds = settings.pool_kinds
    if "spark" in kinds and settings.warm_pool_size and "spark" not in runnable_kinds():
        log.warning("pool_kinds names spark, but this gateway cannot run Scala: no spark sessions are pooled")
        kinds = tuple(k for k in kinds if k != "spark")
    return kinds


class SessionManager:
    """All sessions of one gateway; made in the app's lifespan and reached through app state."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings
        self._sessions: dict[int, InteractiveSession] = {}
        self._store = SessionStore(settings.work_dir / "gateway.sqlite3" if settings.recovery else None)
        # Ids are never reused on a work dir, so a client's old id never reaches someone else's session.
        self._ids = SessionIds(settings.work_dir / "sessions", self._store.max_session_id())
        self._sockets = SocketDir(settings.work_dir / "sockets")
        self._reaper: asyncio.Task[None] | None = None
        self._pool = SessionPool(settings.warm_pool_size, self._start_pooled, kinds=_pool_kinds(settings))

    # -- lifecycle of the manager --------------------------------------------------------------
    def start(self) -> None:
        """Re-attach the sessions a previous gateway left running (recovery), then start expiring sessions."""
        for stored in self._store.load_sessions():
            session = self._restore(stored)
            if session is not None:
                self._sessions[session.info.id] = session
                session.reattach()
        self._reaper = asyncio.create_task(self._reap_forever(), name="session-reaper")
        self._pool.start()

    def _restore(self, stored: StoredSession) -> InteractiveSession | None:
        known = set(SessionInfo.__dataclass_fields__)
        try:
            info = SessionInfo(**{k: v for k, v in stored.info.items() if k in known})
        except TypeError as exc:
            log.warning("cannot restore session %s from the state store: %s", stored.id, exc)
            return None
        return InteractiveSession.restore(
            stored,
            info,
            self._launch(info.home_name, env={}),
            statements_kept=self._settings.statements_kept,
            start_timeout=self._settings.start_timeout,
            store=self._store,
            outputs_dir=self._outputs_dir(info.home_name),
            liveness=self._liveness(),
        )

    def _liveness(self) -> LivenessPolicy:
        settings = self._settings
        return LivenessPolicy(
            ping_interval=settings.ping_interval,
            timeout=settings.liveness_timeout,
            cancel_grace=settings.cancel_grace,
        )

    def _outputs_dir(self, home: str) -> Path:
        return session_work_dir(self._settings.work_dir, home) / "outputs"

    def _launch(self, home: str, env: dict[str, str], kind: str = "pyspark") -> WorkerLaunch:
        settings = self._settings
        work_dir = session_work_dir(settings.work_dir, home)
        return WorkerLaunch(
            python=settings.python or default_python(),
            env=env,
            log_path=work_dir / "session.log",
            cwd=work_dir,
            socket_path=self._sockets.path_for(home),
            worker_args=(
                "--sql-max-rows",
                str(settings.sql_max_rows),
                "--grace",
                str(settings.worker_grace if settings.recovery else 0),
                "--max-output-bytes",
                str(settings.max_output_bytes),
                "--spill-dir",
                str(self._outputs_dir(home)),
                "--spill-bytes",
                str(settings.output_spill_bytes),
                "--kind",
                kind,
            ),
        )

    async def shutdown(self) -> None:
        """Stop every session (used when the gateway exits)."""
        if self._reaper is not None:
            self._reaper.cancel()
            await asyncio.gather(self._reaper, return_exceptions=True)
        await self._pool.shutdown()
        await asyncio.gather(
            *(s.stop(reason="the gateway is shutting down") for s in self._sessions.values()),
            return_exceptions=True,
        )
        self._store.close()

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            try:
                await self.reap()
            except Exception:  # one bad session must not stop expiry for all the others
                log.exception("session reaper failed; it keeps running")

    async def reap(self) -> None:
        """Stop expired sessions and forget finished ones after ``state_retention`` seconds."""
        now = time.monotonic()
        for session in list(self._sessions.values()):
            reason = session.expiry_reason(self._settings.idle_timeout)
            if reason is not None:
                await session.stop(final_state="dead", reason=reason)
            finished = session.timing.finished
            if session.is_final and finished is not None and now - finished > self._settings.state_retention:
                self._sessions.pop(session.info.id, None)
                self._store.delete_session(session.info.id)

    # -- REST operations -----------------------------------------------------------------------
    async def create(
        self, request: CreateSessionRequest, owner: str | None, do_as: str | None = None
    ) -> InteractiveSession:
        """Create a session and start it in the background; it is ``starting`` on return.

        :raises BadRequest: bad kind, duplicate name, bad durations.
        :raises TooManySessions: ``max_sessions`` sessions are alive.
        """
        kind = resolve_session_kind(request.kind)
        alive = [s for s in self._sessions.values() if not s.is_final]
        if len(alive) >= self._settings.max_sessions:
            raise TooManySessions(
                f"Rejected: {len(alive)} sessions are running, the gateway's limit (max_sessions). "
                f"Delete a session you no longer need, or raise the limit."
            )
        if request.name is not None and any(s.info.name == request.name for s in alive):
            raise BadRequest(f"Duplicate session name: {request.name!r} is already in use.")
        if request.name is not None and parse_id(request.name) is not None:
            raise BadRequest("A session name cannot be a number: it would be confused with an id.")
        proxy_user = do_as or request.proxy_user
        idle_timeout = parse_duration(request.idle_timeout, "idleTimeout")
        ttl = parse_duration(request.ttl, "ttl")
        # Nothing below may fail once a pooled session is taken: it would be lost to pool and client alike.
        fits = matches_pool(request, kind, proxy_user, self._settings.spark_conf)
        pooled = self._pool.take(kind) if fits else None
        info = SessionInfo(
            id=self._ids.take(),
            name=request.name,
            kind=kind,
            owner=owner,
            proxy_user=proxy_user,
            heartbeat_timeout=float(request.heartbeat_timeout_in_second)
            if request.heartbeat_timeout_in_second
            else None,
            idle_timeout=idle_timeout,
            ttl=ttl,
            home=pooled.info.home if pooled is not None else None,
        )
        if pooled is not None:
            self._link_home(info)
            pooled.hand_out(info, self._store)
            self._sessions[info.id] = pooled
            return pooled
        session = self._new_session(info, job_spec_from_request(request, proxy_user))
        self._sessions[info.id] = session
        await session.start()
        return session

    def _new_session(self, info: SessionInfo, spec: SparkJobSpec) -> InteractiveSession:
        """:return: a session (not started yet) for ``info`` running Spark as ``spec`` says."""
        spec = replace(spec, conf={**spec.conf, **forced_ui_conf(self._settings, spec.conf)})
        work_dir = session_work_dir(self._settings.work_dir, info.home_name)
        args = submit_args(
            spec,
            master=self._settings.master,
            deploy_mode=self._settings.deploy_mode,
            defaults=self._settings.spark_conf,
            impersonation=self._settings.impersonation,
            secrets_file=work_dir / "secret.properties",
        )
        launch = self._launch(
            info.home_name,
            env={
                "PYSPARK_SUBMIT_ARGS": shlex.join([*args, "pyspark-shell"]),
                "PYSPARK_PYTHON": self._settings.python or default_python(),
                **ui_environment(self._settings),
            },
            kind=info.kind,
        )
        return InteractiveSession(
            info,
            launch,
            statements_kept=self._settings.statements_kept,
            start_timeout=self._settings.start_timeout,
            store=self._store,
            outputs_dir=self._outputs_dir(info.home_name),
            liveness=self._liveness(),
        )

    async def _start_pooled(self, kind: str) -> InteractiveSession:
        """Start one session of ``kind`` for the warm pool: the gateway's default conf, no id, no owner,
        not stored (a ``spark`` one is ``idle`` only once its Scala REPL runs, as any ``spark`` session).

        Design: the session's files (folder, socket, log, spill dir) are named after a reserved home,
        ``pool-<hex>``, for its whole life, and its id comes only at hand-out (:meth:`create`). Renaming
        files under a running worker would break what it holds by path (its socket and spill dir, Spark's
        warehouse dir), so nothing is renamed; the store row, written first at hand-out, records the home.
        """
        sessions_dir = self._settings.work_dir / "sessions"
        home = f"pool-{secrets.token_hex(4)}"
        while (sessions_dir / home).exists():  # folders outlive their sessions: never share one
            home = f"pool-{secrets.token_hex(4)}"
        info = SessionInfo(
            id=-1,
            name=None,
            kind=kind,
            owner=None,
            proxy_user=None,
            heartbeat_timeout=None,
            idle_timeout=None,
            ttl=None,
            home=home,
        )
        session = self._new_session(info, job_spec_from_request(CreateSessionRequest(), None))
        await session.start()
        return session

    def _link_home(self, info: SessionInfo) -> None:
        """Point ``sessions/<id>`` at a handed-out session's home: it witnesses the id (session_ids.py)
        and is where people look for the session's log."""
        link = self._settings.work_dir / "sessions" / str(info.id)
        try:
            os.symlink(info.home_name, link, target_is_directory=True)
        except OSError as exc:
            log.warning("cannot link %s to %s: %s", link, info.home_name, exc)

    def pool_status(self) -> dict[str, PoolStatus]:
        """:return: per pool kind, the warm pool's size and how many pooled sessions are ready."""
        return self._pool.status()

    def get(self, ref: str | int) -> InteractiveSession:
        """Find a session by id or by name.

        :raises SessionNotFound: with Livy's message.
        """
        text = str(ref)
        session_id = parse_id(text)
        if session_id is not None and session_id in self._sessions:
            return self._sessions[session_id]
        for session in self._sessions.values():
            if session.info.name is not None and session.info.name == text:
                return session
        raise SessionNotFound(f"Session '{text}' not found.")

    def list(self) -> list[InteractiveSession]:
        """:return: all known sessions, by id."""
        return [self._sessions[k] for k in sorted(self._sessions)]

    async def delete(self, ref: str | int) -> None:
        """Stop a session and forget it.

        :raises SessionNotFound: if there is no such session.
        """
        session = self.get(ref)
        self._sessions.pop(session.info.id, None)
        await session.stop(reason="deleted by a client")
        self._store.delete_session(session.info.id)
