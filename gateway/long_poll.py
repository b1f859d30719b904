"""Answers that wait for a statement to finish: the ``?wait=`` extension of the statement routes.

Livy's clients poll ``GET /statements/{id}``; between polls a finished statement waits for the next
one, which costs a quick statement most of its latency. With ``?wait=<seconds>`` (on that GET and on
``POST /statements``) the gateway answers as soon as the statement is finished, or when the wait is
over, whichever comes first; the answer is the same Livy statement either way. ``/version`` lists
``statement-wait`` among its ``extensions`` so that clients use it only here, never on a real Livy.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Final

__all__ = ["FINAL_STATEMENT_STATES", "MAX_WAIT_SECONDS", "DoneSignal"]

MAX_WAIT_SECONDS: Final = 30.0
"""The longest ``?wait=`` the routes accept: proxies commonly cut idle requests after a minute."""

FINAL_STATEMENT_STATES: Final = frozenset({"available", "error", "cancelled"})


class DoneSignal:
    """Wakes the requests waiting on one session's statements whenever one of them finishes."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """A statement finished: wake every waiter (each checks whether it was its own)."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, done: Callable[[], bool], seconds: float) -> None:
        """Return once ``done()`` is true or ``seconds`` have passed.

        :param done: whether what the caller waits for has happened.
        :param seconds: the most to wait.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not done():
            left = deadline - loop.time()
            if left <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), left)
