"""Following a batch: its state changes and its log lines as they appear, until it ends.

Shared by ``sparkwire batch`` and the notebook front ends (magics, kernel); callbacks run in the
following thread and should return quickly.

Real Livy keeps only the last ``livy.cache-log.size`` lines of a batch log (200 by default), so
its line numbers stop growing while the lines keep changing. :class:`LogFollower` notices this by
re-reading the last line it saw, and then finds its place again by content.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

from sparkwire.livy import (
    BATCH_FOLLOW_SCHEDULE,
    Batch,
    BatchSpec,
    BatchState,
    LivyClient,
    SessionLog,
    wait_for_batch,
)

__all__ = ["GAP_MARKER", "LogFetch", "LogFollower", "batch_exit_code", "follow_batch", "run_batch"]

LogFetch = Callable[[int | None, int], SessionLog]
"""Reads one page of a log: ``(from_, size) -> SessionLog``; ``from_=None`` means the last ``size`` lines."""

GAP_MARKER = "[sparkwire: some log lines were dropped by the server before they could be shown]"
"""Emitted in place of lines the server discarded before the follower read them."""


class LogFollower:
    """Turns repeated reads of a growing log into each new line, once.

    :param fetch: reads a page of the log (e.g. ``lambda f, s: client.batch_log(batch_id, f, s)``).
    :param from_line: the first line to emit.
    :param page_size: lines per request.
    :param memory: how many of the last lines are kept to find the place again in a shifted log.
    """

    def __init__(
        self, fetch: LogFetch, *, from_line: int = 0, page_size: int = 500, memory: int = 20
    ) -> None:
        if page_size < 2:
            raise ValueError("page_size must be at least 2")
        self._fetch = fetch
        self._next = max(from_line, 0)
        self._page_size = page_size
        self._seen: deque[str] = deque(maxlen=memory)

    def poll(self) -> list[str]:
        """:return: the lines that appeared since the last call, oldest first (possibly none)."""
        new: list[str] = []
        while True:
            checking = bool(self._seen) and self._next > 0
            start = self._next - 1 if checking else self._next
            page = self._fetch(start, self._page_size)
            lines = list(page.lines)
            if checking and not (page.from_ == start and lines and lines[0] == self._seen[-1]):
                return new + self._find_place()
            fresh = lines[1:] if checking else lines
            self._take(fresh, page.from_ + len(lines))
            new += fresh
            if len(lines) < self._page_size:
                return new

    def _find_place(self) -> list[str]:
        """The log shifted under us: read its tail and continue after the last line we emitted."""
        tail = self._fetch(None, self._page_size)
        lines = list(tail.lines)
        seen = list(self._seen)

        def ends_with_seen(end: int) -> bool:
            overlap = min(len(seen), end)
            return lines[end - overlap : end] == seen[-overlap:]

        found = next((end for end in range(len(lines), 0, -1) if ends_with_seen(end)), None)
        fresh = lines if found is None else lines[found:]
        self._take(fresh, tail.from_ + len(lines))
        return fresh if found is not None else [GAP_MARKER, *fresh]

    def _take(self, lines: list[str], next_line: int) -> None:
        self._seen.extend(lines)
        self._next = next_line


def follow_batch(
    client: LivyClient,
    batch_id: int | str,
    *,
    on_line: Callable[[str], None] | None = None,
    on_state: Callable[[Batch, float], None] | None = None,
    from_line: int = 0,
    timeout: float | None = None,
    stop: threading.Event | None = None,
    intervals: Iterable[float] | None = None,
) -> Batch:
    """Poll a batch until it ends, reporting its state changes and new log lines.

    :param client: the client.
    :param batch_id: the batch id or name.
    :param on_line: called with each new log line, in order.
    :param on_state: called with the batch and the seconds since following began, first at once and
        then whenever the state changes (the progress line of ``sparkwire batch submit --wait``).
    :param from_line: the first log line to report (0 = the whole log).
    :param timeout: give up after this many seconds (the batch keeps running); None = no limit.
    :param stop: set this event (from another thread) to stop following early; the batch keeps running.
    :param intervals: sleeps between polls; by default ``BATCH_FOLLOW_SCHEDULE``.
    :return: the last batch seen: final, unless ``stop`` was set.
    :raises LivyTimeout: if ``timeout`` passed first.
    :raises LivyError: as the client raises it (unreachable server, batch not found...).
    """
    began = time.monotonic()
    follower = LogFollower(lambda f, s: client.batch_log(batch_id, f, s), from_line=from_line)

    # The log after each state poll: the gateway writes a batch's last lines before its final state,
    # so the log read after a final state holds everything.
    def read_log(_: Batch) -> None:
        if on_line is not None:
            for line in follower.poll():
                on_line(line)

    def state_changed(batch: Batch) -> None:
        if on_state is not None:
            on_state(batch, time.monotonic() - began)

    return wait_for_batch(
        client,
        batch_id,
        timeout=timeout,
        on_state=state_changed,
        on_poll=read_log,
        stop=stop,
        intervals=intervals or BATCH_FOLLOW_SCHEDULE.intervals(),
    )


def run_batch(
    client: LivyClient,
    spec: BatchSpec,
    *,
    on_submitted: Callable[[Batch], None] | None = None,
    on_line: Callable[[str], None] | None = None,
    on_state: Callable[[Batch, float], None] | None = None,
    timeout: float | None = None,
    stop: threading.Event | None = None,
    intervals: Iterable[float] | None = None,
) -> Batch:
    """Submit a batch and follow it until it ends (see :func:`follow_batch` for the callbacks).

    :param client: the client.
    :param spec: what to run.
    :param on_submitted: called once with the new batch, before following (e.g. to show its id).
    :param on_line: called with each new log line.
    :param on_state: called on each state change with the batch and the elapsed seconds.
    :param timeout: give up following after this many seconds; the batch keeps running.
    :param stop: set to stop following early; the batch keeps running.
    :param intervals: sleeps between polls.
    :return: the last batch seen.
    :raises LivyError: as the client raises it (e.g. ``BadRequest`` for a file the server refuses).
    """
    batch = client.create_batch(spec)
    if on_submitted is not None:
        on_submitted(batch)
    return follow_batch(
        client, batch.id, on_line=on_line, on_state=on_state, timeout=timeout, stop=stop, intervals=intervals
    )


def batch_exit_code(batch: Batch) -> int:
    """:return: the process exit code a command reports for a finished batch: 0 for success, else 1."""
    return 0 if batch.state is BatchState.SUCCESS else 1
