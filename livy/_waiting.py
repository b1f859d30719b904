"""Running code and waiting for sessions, statements and batches, on top of :class:`LivyClient`.

Kept apart from the client so the client stays one method per REST call. Every wait is the one loop
of :func:`_poll` (fetch, report, judge, sleep) with one of the schedules named below. Callbacks
report what each poll saw so that callers (the engine, the kernel, ``sparkwire batch``) can draw
progress; they run in the waiting thread and should return quickly.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ._client import LivyClient
from ._errors import (
    InvalidResponse,
    LivyError,
    LivyTimeout,
    SessionDead,
    SessionId,
    StatementCancelled,
    StatementFailed,
)
from ._models import Batch, Output, Session, Statement
from ._polling import polling_intervals
from ._reconnect import DEFAULT_RECONNECT_WAIT, NoticeCallback, poll_through_restart
from ._states import (
    FINAL_STATEMENT_STATES,
    FINAL_STATES,
    READY_STATES,
    SessionKind,
    SessionState,
    StatementState,
)

__all__ = [
    "BATCH_FOLLOW_SCHEDULE",
    "CANCEL_SCHEDULE",
    "SESSION_SCHEDULE",
    "STATEMENT_SCHEDULE",
    "Schedule",
    "run_statement",
    "wait_for_batch",
    "wait_for_session",
    "wait_for_statement",
]


class _Stateful(Protocol):
    @property
    def state(self) -> object: ...


T = TypeVar("T", bound=_Stateful)

SessionCallback = Callable[[Session], None]
StatementCallback = Callable[[Statement], None]
BatchCallback = Callable[[Batch], None]

# How often a statement wait also checks that its session is still alive: a statement queued in a
# session that dies can stay "waiting" for good.
_SESSION_CHECK_SECONDS = 5.0

# On a server with the statement-wait extension (sparkwire's gateway), each GET waits server-side for
# the statement to finish, at most this long: the answer comes as soon as it is done, with no polling
# delay, and progress callbacks still run twice a second.
_LONG_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Schedule:
    """A poll schedule: :func:`polling_intervals` grows each interval by ``factor``, but never beyond
    5 % of the time waited so far (nor below ``start``) and never beyond ``cap``."""

    start: float
    factor: float = 1.5
    cap: float = 1.0

    def intervals(self) -> Iterator[float]:
        """:return: a fresh iterator of sleep intervals, in seconds."""
        return polling_intervals(start=self.start, factor=self.factor, cap=self.cap)


# Every poll schedule, in one place.
# A statement: 2 ms at first, so a quick statement (most of them) comes back at once.
STATEMENT_SCHEDULE = Schedule(start=0.002)
# A session starting, a batch running.
SESSION_SCHEDULE = Schedule(start=0.1)
# A batch followed with its log (two requests a poll).
BATCH_FOLLOW_SCHEDULE = Schedule(start=0.2)
# A statement asked to cancel, up to the caller's limit.
CANCEL_SCHEDULE = Schedule(start=0.02, cap=0.5)


class _Deadline:
    """Sleeps between polls without overshooting an overall time limit, or until ``stop`` is set."""

    def __init__(
        self, timeout: float | None, intervals: Iterable[float], stop: threading.Event | None = None
    ) -> None:
        self._end = None if timeout is None else time.monotonic() + timeout
        self._intervals = iter(intervals)
        self._stop = stop

    def sleep_or_expire(self) -> bool:
        """Sleep for the next interval; return ``False`` instead if the limit has passed."""
        delay = next(self._intervals)
        if self._end is not None:
            remaining = self._end - time.monotonic()
            if remaining <= 0:
                return False
            delay = min(delay, remaining)
        if self._stop is not None:
            self._stop.wait(delay)
        else:
            time.sleep(delay)
        return True

    def left(self) -> float:
        """Seconds until the limit (infinite without one); zero or less once it has passed."""
        return float("inf") if self._end is None else self._end - time.monotonic()


def _poll(
    fetch: Callable[[], T],
    done: Callable[[T], bool],
    *,
    deadline: _Deadline,
    expired: Callable[[T], LivyError],
    on_poll: Callable[[T], None] | None = None,
    on_state: Callable[[T], None] | None = None,
    seen: T | None = None,
) -> T:
    """The wait loop: fetch, report to ``on_poll`` (then to ``on_state`` if the state changed), return
    once ``done`` (which may raise), else sleep.

    :param seen: what the caller already holds (e.g. the answer to its create request): judged first,
        so the first request waits one interval.
    :raises LivyError: ``expired(last)`` when the deadline passes first.
    """
    item = fetch() if seen is None else seen
    last: object = None
    while True:
        if on_poll is not None:
            on_poll(item)
        if item.state != last:
            last = item.state
            if on_state is not None:
                on_state(item)
        if done(item):
            return item
        if not deadline.sleep_or_expire():
            raise expired(item)
        item = fetch()


def _session_dead(client: LivyClient, session: Session, log_lines: int) -> SessionDead:
    try:
        lines = client.session_log(session.id, size=log_lines).lines
    except LivyError:
        # The log is a courtesy: the session may already be gone; its last lines came with it.
        lines = session.log
    tail = "\n".join(f"    {line}" for line in lines[-log_lines:]) or "    (no log)"
    return SessionDead(
        f"Session {session.id} ended in state {session.state.value!r} instead of becoming ready. "
        f"The end of its log usually says why (memory, Spark configuration, queue limits); fix that "
        f"and create a new session. Last log lines:\n{tail}",
        url=client.session_url(session.id),
        session_id=session.id,
        state=session.state.value,
        log=lines,
    )


def wait_for_session(
    client: LivyClient,
    session_id: SessionId,
    *,
    timeout: float | None = None,
    on_state: SessionCallback | None = None,
    until: frozenset[SessionState] = READY_STATES,
    intervals: Iterable[float] | None = None,
    log_lines: int = 20,
    reconnect_wait: float = DEFAULT_RECONNECT_WAIT,
    on_notice: NoticeCallback | None = None,
    on_poll: SessionCallback | None = None,
    seen: Session | None = None,
) -> Session:
    """Poll a session until it is ready (by default: ``idle``).

    :param client: the client.
    :param session_id: the session id or name.
    :param timeout: the overall limit in seconds; ``None`` to wait for good.
    :param on_state: called with the session whenever its state changes (and once at first).
    :param until: the states to return at; e.g. ``READY_STATES | BUSY_STATES`` to accept a busy
        session, which queues new statements.
    :param intervals: sleep intervals; by default ``SESSION_SCHEDULE``.
    :param log_lines: how many log lines a :class:`SessionDead` carries.
    :param reconnect_wait: seconds to keep polling a server that stopped answering (a restart); 0 = none.
    :param on_notice: told when the server stops answering and when it is back (logged if None).
    :param on_poll: called with the session after every poll (e.g. to show the time waited).
    :param seen: the session as the caller just got it (from ``create_session``): judged (and given
        to ``on_poll``) before the first request, which then waits one interval.
    :return: the session, in one of the ``until`` states.
    :raises SessionDead: if the session reaches a final state (error, dead, killed, success) first.
    :raises LivyTimeout: if ``timeout`` passes first; the session is left as it is.
    :raises SessionNotFound: if there is no such session.
    """

    def ready(session: Session) -> bool:
        if session.state in FINAL_STATES and session.state not in until:
            raise _session_dead(client, session, log_lines)
        return session.state in until

    def expired(session: Session) -> LivyError:
        return LivyTimeout(
            f"Session {session_id} is still {session.state.value!r} after {timeout:g} s. It may be waiting "
            "for cluster resources; wait longer (a larger timeout), or check its log with session_log().",
            url=client.session_url(session_id),
            session_id=session_id,
        )

    return _poll(
        lambda: poll_through_restart(
            lambda: client.get_session(session_id), wait=reconnect_wait, on_notice=on_notice, url=client.url
        ),
        ready,
        deadline=_Deadline(timeout, intervals or SESSION_SCHEDULE.intervals()),
        expired=expired,
        on_poll=on_poll,
        on_state=on_state,
        seen=seen,
    )


def wait_for_statement(
    client: LivyClient,
    session_id: SessionId,
    statement_id: int,
    *,
    on_progress: StatementCallback | None = None,
    timeout: float | None = None,
    intervals: Iterable[float] | None = None,
    reconnect_wait: float = DEFAULT_RECONNECT_WAIT,
    on_notice: NoticeCallback | None = None,
) -> Statement:
    """Poll a statement until it is finished (available, cancelled or error).

    The statement's result is not checked: look at ``statement.state`` and ``statement.output``, or
    use :func:`run_statement`. Every few seconds the session's state is checked too, so a session
    that dies under a queued statement ends the wait.

    :param client: the client.
    :param session_id: the session id or name.
    :param statement_id: the statement id.
    :param on_progress: called with the statement after every poll (``state``, ``progress`` 0.0–1.0).
    :param timeout: the overall limit in seconds; ``None`` to wait for good.
    :param intervals: sleep intervals; by default ``STATEMENT_SCHEDULE``, or, when the server has the
        ``statement-wait`` extension, none: each poll waits server-side for the statement to finish (at most
        half a second), so the answer comes without delay.
    :param reconnect_wait: seconds to keep polling a server that stopped answering (a gateway restart
        with recovery keeps the statement); 0 = fail at once.
    :param on_notice: told when the server stops answering and when it is back (logged if None).
    :return: the finished statement.
    :raises LivyTimeout: if ``timeout`` passes first; the statement keeps running (cancel it with
        ``client.cancel_statement`` if it should not).
    :raises SessionDead: if the session ends before the statement does.
    :raises StatementNotFound: if the session has no such statement.
    """
    long_poll = intervals is None and "statement-wait" in client.extensions()
    # With a server-side wait, the GET itself is the pause between polls.
    deadline = _Deadline(
        timeout, itertools.repeat(0.0) if long_poll else intervals or STATEMENT_SCHEDULE.intervals()
    )
    next_session_check = time.monotonic() + _SESSION_CHECK_SECONDS

    def fetch() -> Statement:
        wait = min(_LONG_POLL_SECONDS, max(deadline.left(), 0.0)) if long_poll else None
        return poll_through_restart(
            lambda: client.get_statement(session_id, statement_id, wait=wait),
            wait=reconnect_wait,
            on_notice=on_notice,
            url=client.url,
        )

    def finished(statement: Statement) -> bool:
        nonlocal next_session_check
        if statement.state in FINAL_STATEMENT_STATES:
            return True
        if time.monotonic() >= next_session_check:
            next_session_check = time.monotonic() + _SESSION_CHECK_SECONDS
            state = poll_through_restart(
                lambda: client.session_state(session_id),
                wait=reconnect_wait,
                on_notice=on_notice,
                url=client.url,
            )
            if state in FINAL_STATES:
                raise _session_dead(client, client.get_session(session_id), 20)
        return False

    def expired(statement: Statement) -> LivyError:
        return LivyTimeout(
            f"Statement {statement_id} in session {session_id} is still {statement.state.value!r} after "
            f"{timeout:g} s; it keeps running. Wait again, or cancel it with cancel_statement().",
            url=f"{client.session_url(session_id)}/statements/{statement_id}",
            session_id=session_id,
        )

    return _poll(fetch, finished, deadline=deadline, expired=expired, on_poll=on_progress)


def wait_for_batch(
    client: LivyClient,
    batch_id: SessionId,
    *,
    timeout: float | None = None,
    on_state: BatchCallback | None = None,
    intervals: Iterable[float] | None = None,
    on_poll: BatchCallback | None = None,
    stop: threading.Event | None = None,
) -> Batch:
    """Poll a batch until it reaches a final state (success, dead, killed, error).

    :param client: the client.
    :param batch_id: the batch id or name.
    :param timeout: the overall limit in seconds; ``None`` to wait for good.
    :param on_state: called with the batch whenever its state changes (and once at first).
    :param intervals: sleep intervals; by default ``SESSION_SCHEDULE``.
    :param on_poll: called with the batch after every poll, before ``on_state`` (e.g. to read its log).
    :param stop: set this event (from another thread) to return early, with the batch still running.
    :return: the finished batch (check ``batch.state``: ``SUCCESS`` or not), or the last one seen if
        ``stop`` was set.
    :raises LivyTimeout: if ``timeout`` passes first; the batch keeps running.
    :raises BatchNotFound: if there is no such batch.
    """

    def expired(batch: Batch) -> LivyError:
        return LivyTimeout(
            f"Batch {batch_id} is still {batch.state.value!r} after {timeout:g} s; it keeps running. "
            "Wait again, or stop it with delete_batch().",
            url=f"{client.url}/batches/{batch_id}",
        )

    return _poll(
        lambda: client.get_batch(batch_id),
        lambda batch: batch.state in FINAL_STATES or (stop is not None and stop.is_set()),
        deadline=_Deadline(timeout, intervals or SESSION_SCHEDULE.intervals(), stop),
        expired=expired,
        on_poll=on_poll,
        on_state=on_state,
    )


def run_statement(
    client: LivyClient,
    session_id: SessionId,
    code: str,
    kind: SessionKind | str | None = None,
    *,
    on_progress: StatementCallback | None = None,
    timeout: float | None = None,
    raise_on_error: bool = False,
    cancel_on_interrupt: bool = True,
    intervals: Iterable[float] | None = None,
) -> Output:
    """Submit code and wait for its output.

    :param client: the client.
    :param session_id: the session id or name (it should be ready: see :func:`wait_for_session`).
    :param code: the code.
    :param kind: the language (needed on a shared session); ``None`` for the session's kind.
    :param on_progress: called with the statement just after submitting (so its ``id`` is known, e.g.
        to cancel from another thread) and after every poll.
    :param timeout: the limit in seconds for the wait; ``None`` to wait for good.
    :param raise_on_error: raise :class:`StatementFailed` if the code raised, instead of returning
        an output whose ``status`` is error (see :meth:`Output.raise_for_status`).
    :param cancel_on_interrupt: on ``KeyboardInterrupt`` while waiting, ask the server to cancel the
        statement before re-raising, so an interrupted cell does not keep the cluster busy.
    :param intervals: sleep intervals; by default ``STATEMENT_SCHEDULE``.
    :return: the statement's output.
    :raises StatementCancelled: if the statement was cancelled.
    :raises StatementFailed: if it ended in state error without output, or failed and ``raise_on_error``.
    :raises LivyTimeout: if ``timeout`` passes first; the statement keeps running.
    """
    statement = client.submit_statement(session_id, code, kind)
    if on_progress is not None:
        on_progress(statement)
    try:
        statement = wait_for_statement(
            client, session_id, statement.id, on_progress=on_progress, timeout=timeout, intervals=intervals
        )
    except KeyboardInterrupt:
        if cancel_on_interrupt:
            try:
                client.cancel_statement(session_id, statement.id, timeout=5.0)
            except LivyError:
                pass  # Best effort: the interrupt matters more than the cancel's outcome.
        raise
    url = f"{client.session_url(session_id)}/statements/{statement.id}"
    if statement.state is StatementState.CANCELLED:
        raise StatementCancelled(
            f"Statement {statement.id} in session {session_id} was cancelled; it has no output.",
            url=url,
            session_id=session_id,
            statement_id=statement.id,
        )
    if statement.output is None:
        if statement.state is StatementState.ERROR:
            raise StatementFailed(
                f"Statement {statement.id} in session {session_id} ended in state 'error' without output; "
                "the session log may say why.",
                url=url,
                session_id=session_id,
                statement_id=statement.id,
            )
        raise InvalidResponse(
            f"Statement {statement.id} in session {session_id} is {statement.state.value!r} but has no output.",
            url=url,
            session_id=session_id,
        )
    if raise_on_error:
        statement.output.raise_for_status(url=url, session_id=session_id, statement_id=statement.id)
    return statement.output
