"""The warm pool: ``pyspark`` sessions started ahead of any request, handed out on create.

Spark takes seconds to start (a minute on YARN); a pooled session is already ``idle`` when a client
asks for one, so a create request that wants nothing special gets it at once.

A pooled session belongs to nobody: it has no id, no owner and no row in the state store, it is not in
the session list and counts against no limit. It lives under a reserved folder name (``pool-<hex>``,
its *home*) from birth, and the manager gives it an id, an owner and a store row only when it hands
it out (see :meth:`~.session.InteractiveSession.hand_out`). The pool then starts a replacement in the
background, one session at a time, so refilling never starts several JVMs at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from .models import CreateSessionRequest
from .session import InteractiveSession

__all__ = ["PoolStatus", "SessionPool", "matches_pool"]

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
# The session kinds a pooled worker serves as is ("shared": no kind given); the kind is only a default
# for statements, so it is set at hand-out.
_POOLED_KINDS = ("pyspark", "shared")
_MAX_RETRY_DELAY = 60.0


def matches_pool(
    request: CreateSessionRequest, kind: str, proxy_user: str | None, default_conf: Mapping[str, str]
) -> bool:
    """:return: True when a pooled session is exactly what ``request`` would start.

    :param kind: the session kind the request resolves to.
    :param proxy_user: the user the session would run as (``proxyUser`` or ``doAs``), if any.
    :param default_conf: the gateway's ``spark_conf``; request conf entries equal to it change nothing.
    """
    if proxy_user or kind not in _POOLED_KINDS:
        return False
    if any(getattr(request, name) for name in _SPARK_FIELDS):
        return False
    return all(default_conf.get(key) == value for key, value in request.conf.items())


@dataclass(frozen=True)
class PoolStatus:
    """What ``GET /pool`` reports.

    :param size: sessions the pool keeps (``pool_size``).
    :param ready: pooled sessions that are ``idle`` now.
    :param starting: pooled sessions still starting.
    """

    size: int
    ready: int
    starting: int


class SessionPool:
    """Keeps ``size`` pooled sessions alive and hands them out.

    :param size: sessions to keep warm; 0 makes a pool that never starts anything.
    :param start_one: starts one pooled session (``starting`` on return).
    :param check_interval: seconds between checks for pooled sessions that died.
    """

    def __init__(
        self, size: int, start_one: Callable[[], Awaitable[InteractiveSession]], check_interval: float = 1.0
    ) -> None:
        self._size = size
        self._start_one = start_one
        self._check_interval = check_interval
        self._sessions: list[InteractiveSession] = []
        self._wanted = asyncio.Event()  # set when a session leaves the pool
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start filling the pool in the background."""
        if self._size > 0:
            self._task = asyncio.create_task(self._refill_forever(), name="session-pool")

    def status(self) -> PoolStatus:
        """:return: the pool's size and how many of its sessions are ready or starting."""
        alive = [s for s in self._sessions if not s.is_final]
        ready = sum(1 for s in alive if s.state == "idle")
        return PoolStatus(size=self._size, ready=ready, starting=len(alive) - ready)

    def take(self) -> InteractiveSession | None:
        """:return: a pooled session, removed from the pool (an ``idle`` one first, else one still
        starting, which is further along than a new one), or None when the pool is empty."""
        alive = [s for s in self._sessions if not s.is_final]
        chosen = next((s for s in alive if s.state == "idle"), None) or next(iter(alive), None)
        if chosen is not None:
            self._sessions.remove(chosen)
            self._wanted.set()
        return chosen

    async def shutdown(self) -> None:
        """Stop refilling and stop every pooled session."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        pooled, self._sessions = self._sessions, []
        await asyncio.gather(
            *(s.stop(reason="the gateway is shutting down") for s in pooled), return_exceptions=True
        )

    async def _refill_forever(self) -> None:
        failures = 0
        while True:
            self._sessions = [s for s in self._sessions if not s.is_final]
            if len(self._sessions) >= self._size:
                self._wanted.clear()
                try:
                    await asyncio.wait_for(self._wanted.wait(), self._check_interval)
                except asyncio.TimeoutError:
                    pass
                continue
            try:
                session = await self._start_one()
            except Exception:  # the pool must keep trying, never take the gateway down
                log.exception("could not start a pooled session")
                session = None
            if session is not None:
                self._sessions.append(session)
                await self._until_started(session)
            if session is None or (session in self._sessions and session.is_final):
                # Spark cannot start (bad spark_conf, no memory): retry, but back off instead of spinning.
                failures += 1
                delay = min(2.0**failures, _MAX_RETRY_DELAY)
                log.warning(
                    "a pooled session failed to start; the pool retries in %.0fs (see its log under "
                    "sessions/%s/)",
                    delay,
                    session.info.home if session else "pool-*",
                )
                await asyncio.sleep(delay)
            else:
                failures = 0

    async def _until_started(self, session: InteractiveSession) -> None:
        """Wait while ``session`` starts in the pool (its own start_timeout bounds this)."""
        while session in self._sessions and session.state in ("not_started", "starting"):
            await asyncio.sleep(0.1)
