"""Hold Ctrl-C back during a request that must not be cut in half.

If ``KeyboardInterrupt`` arrives while ``POST /sessions/{id}/statements`` is in flight, the statement
may run remotely while we never learn its id, so it cannot be cancelled. Inside
:func:`interrupts_deferred` a SIGINT is only recorded; the caller checks it once the request is done
and then cancels what it created.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

__all__ = ["interrupts_deferred"]


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[Callable[[], bool]]:
    """Record SIGINT instead of raising ``KeyboardInterrupt`` for the duration of the block.

    Only the main thread receives signals, so elsewhere this does nothing. The previous handler is
    restored on exit.

    :return: a function telling whether a SIGINT arrived inside the block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    received: list[int] = []

    def record(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGINT, record)
    try:
        yield lambda: bool(received)
    finally:
        signal.signal(signal.SIGINT, previous)
