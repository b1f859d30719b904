"""The warm pool: sessions started ahead of any request, per kind, handed out on create.

Spark takes seconds to start (a minute on YARN); a pooled session is already ``idle`` when a client
asks for one, so a create request that wants nothing special gets it at once. The pool keeps
``pool_size`` sessions of each of its kinds: ``pyspark`` ones serve ``pyspark``, ``sql`` and shared
(no kind) requests, since the session process runs them alike (the kind is only the statements'
default, set at hand-out); ``spark`` ones have their Scala REPL started before they count as ready.

A pooled session belongs to nobody: it has no id, no owner and no row in the state store, it is not in
the session list and counts against no limit. It lives under a reserved folder name (``pool-<hex>``,
its *home*) from birth, and the manager gives it an id, an owner and a store row only when it hands
it out (see :meth:`~.session.InteractiveSession.hand_out`). The pool then starts a replacement in the
background, one session at a time over all kinds, so refilling never starts several JVMs at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from .models import CreateSessionRequest
from .session import InteractiveSession

__all__ = ["POOL_KINDS", "PoolStatus", "SessionPool", "matches_pool", "pool_kind"]

log = logging.getLogger("sparkwire.gateway")

# Request fields that change how Spark starts (resources, files, queue): any of them bypasses the pool.
_SPARK_FIELDS = (
    "jars",
    "py_files",
    "files",
    "archives",
    "driver_memory",
    "driver_cores",
    "executor_memory",
    "executor_cores",
    "num_executors",
    "queue",
)
# The kinds a pool can keep, and the pool serving each session kind ("shared": no kind given). A
# ``pyspark`` worker runs pyspark, sql and shared sessions alike: only ``spark`` changes how it starts.
POOL_KINDS = ("pyspark", "spark")
_SERVED_BY = {"pyspark": "pyspark", "shared": "pyspark", "sql": "pyspark", "spark": "spark"}
_MAX_RETRY_DELAY = 60.0


def pool_kind(kind: str) -> str | None:
    """:return: the pool kind that serves sessions of ``kind`` (``pyspark`` or ``spark``), or None."""
    return _SERVED_BY.get(kind)


def matches_pool(
    request: CreateSessionRequest, kind: str, proxy_user: str | None, default_conf: Mapping[str, str]
) -> bool:
    """:return: True when a pooled session is exactly what ``request`` would start.

    :param kind: the session kind the request resolves to.
    :param proxy_user: the user the session would run as (``proxyUser`` or ``doAs``), if any.
    :param default_conf: the gateway's ``spark_conf``; request conf entries equal to it change nothing.
    """
    if proxy_user or pool_kind(kind) is None:
        return False
    if any(getattr(request, name) for name in _SPARK_FIELDS):
        return False
    return all(default_conf.get(key) == value for key, value in request.conf.items())


@dataclass(frozen=True)
class PoolStatus:
    """What ``GET /pool`` reports for one kind, or for the whole pool.

    :param size: sessions the pool keeps (``pool_size`` per kind).
    :param ready: pooled sessions that are ``idle`` now.
    :param starting: pooled sessions still starting.
    """

    size: int
    ready: int
    starting: int


class SessionPool:
    """Keeps ``size`` pooled sessions of each kind alive and hands them out.

    :param size: sessions to keep warm per kind; 0 makes a pool that never starts anything.
    :param start_one: starts one pooled session of the given kind (``starting`` on return).
    :param kinds: the pool kinds to keep (see :data:`POOL_KINDS`), filled in this order.
    :param check_interval: seconds between checks for pooled sessions that died.
    """

    def __init__(
        self,
        size: int,
        start_one: Callable[[str], Awaitable[InteractiveSession]],
        kinds: Sequence[str] = ("pyspark",),
        check_interval: float = 1.0,
    ) -> None:
        self._size = size
        self._kinds = tuple(kinds)
        self._start_one = start_one
        self._check_interval = check_interval
        self._sessions: dict[str, list[InteractiveSession]] = {kind: [] for kind in self._kinds}
        self._wanted = asyncio.Event()  # set when a session leaves the pool
        self._task: asyncio.Task[None] | None = None
        # Per kind: failed starts in a row, and the loop time before which it is not tried again, so
        # one kind that cannot start never holds up the refill of another.
        self._failures = dict.fromkeys(self._kinds, 0)
        self._retry_at = dict.fromkeys(self._kinds, 0.0)

    @property
    def kinds(self) -> tuple[str, ...]:
        """:return: the pool kinds this pool keeps."""
        return self._kinds

    def start(self) -> None:
        """Start filling the pool in the background."""
        if self._size > 0 and self._kinds:
            self._task = asyncio.create_task(self._refill_forever(), name="session-pool")

    def status(self) -> dict[str, PoolStatus]:
        """:return: per pool kind, its size and how many of its sessions are ready or starting."""
        result = {}
        for kind, sessions in self._sessions.items():
            alive = [s for s in sessions if not s.is_final]
            ready = sum(1 for s in alive if s.state == "idle")
            result[kind] = PoolStatus(size=self._size, ready=ready, starting=len(alive) - ready)
        return result

    def take(self, kind: str) -> InteractiveSession | None:
        """:return: a pooled session that serves a session of ``kind`` (see :func:`pool_kind`), removed
        from the pool (an ``idle`` one first, else one still starting, which is further along than a new
        one), or None when there is none."""
        sessions = self._sessions.get(pool_kind(kind) or "", [])
        alive = [s for s in sessions if not s.is_final]
        chosen = next((s for s in alive if s.state == "idle"), None) or next(iter(alive), None)
        if chosen is not None:
            sessions.remove(chosen)
            self._wanted.set()
        return chosen

    async def shutdown(self) -> None:
        """Stop refilling and stop every pooled session."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        pooled = [s for sessions in self._sessions.values() for s in sessions]
        self._sessions = {kind: [] for kind in self._kinds}
        await asyncio.gather(
            *(s.stop(reason="the gateway is shutting down") for s in pooled), return_exceptions=True
        )

    def _next_kind(self, now: float) -> tuple[str | None, float]:
        """:return: the first kind with fewer live sessions than ``size`` (dead ones dropped) that is not
        backing off after a failed start, or None and the seconds until one may be (at most the check
        interval)."""
        wait = self._check_interval
        for kind in self._kinds:
            self._sessions[kind] = [s for s in self._sessions[kind] if not s.is_final]
            if len(self._sessions[kind]) < self._size:
                if self._retry_at[kind] <= now:
                    return kind, 0.0
                wait = min(wait, self._retry_at[kind] - now)
        return None, wait

    async def _refill_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            kind, wait = self._next_kind(loop.time())
            if kind is None:
                self._wanted.clear()
                try:
                    await asyncio.wait_for(self._wanted.wait(), wait)
                except asyncio.TimeoutError:
                    pass
                continue
            sessions = self._sessions[kind]
            try:
                session = await self._start_one(kind)
            except Exception:  # the pool must keep trying, never take the gateway down
                log.exception("could not start a pooled %s session", kind)
                session = None
            if session is not None:
                sessions.append(session)
                await self._until_started(session, sessions)
            if session is None or (session in sessions and session.is_final):
                # Spark cannot start (bad spark_conf, no memory): retry, but back off instead of spinning.
                self._failures[kind] += 1
                delay = min(2.0 ** self._failures[kind], _MAX_RETRY_DELAY)
                self._retry_at[kind] = loop.time() + delay
                log.warning(
                    "a pooled %s session failed to start; the pool retries in %.0fs (see its log under "
                    "sessions/%s/)",
                    kind,
                    delay,
                    session.info.home if session else "pool-*",
                )
            else:
                self._failures[kind] = 0

    async def _until_started(self, session: InteractiveSession, sessions: list[InteractiveSession]) -> None:
        """Wait while ``session`` starts in the pool (its own start_timeout bounds this)."""
        while session in sessions and session.state in ("not_started", "starting"):
            await asyncio.sleep(0.1)
