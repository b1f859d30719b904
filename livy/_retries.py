"""When the transport may repeat a request, and how long it waits in between.

What is safe to repeat
----------------------
A request may be repeated only if doing it twice has the same effect as doing it once, or if we
know the first attempt never reached the server:

- ``GET`` and ``DELETE`` are idempotent (deleting twice at worst answers 404 the second time).
- Some ``POST`` requests are too: cancelling a statement, asking for completions, ``/connect``.
  The caller says so per request with ``idempotent=True``; urllib3's ``Retry`` decides by method
  alone, which cannot tell a cancel from a submit, so the retry loop lives in the transport.
- Creating a session or batch and submitting a statement are not: a repeat could start a second
  Spark application or run the code twice. They are repeated only when the connection could not be
  opened at all (refused, name not resolved, connect timeout): then not a byte of the request was
  sent. Once the connection is open, a reset or a 502/503/504 may come after the server acted, so
  the error is raised with ``request_may_have_reached_server`` and the caller decides.

A read timeout is never repeated: the caller set the limit, and repeating would multiply it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT_RETRIES", "NO_RETRIES", "RETRYABLE_STATUSES", "RetryPolicy"]

RETRYABLE_STATUSES: Final = frozenset({502, 503, 504})
"""Statuses a proxy or a starting server answers while the service is briefly unavailable."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to repeat a request that is safe to repeat.

    :param retries: how many times to repeat after the first attempt (0 = never).
    :param backoff: the first wait, in seconds.
    :param factor: growth of the wait per repeat.
    :param cap: the longest wait, in seconds (also caps a server's ``Retry-After``).
    """

    retries: int = 3
    backoff: float = 0.2
    factor: float = 2.0
    cap: float = 5.0

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, not {self.retries!r}")
        if not (self.backoff >= 0 and math.isfinite(self.backoff)):
            raise ValueError(f"backoff must be >= 0 seconds, not {self.backoff!r}")
        if not (self.factor >= 1 and math.isfinite(self.factor)):
            raise ValueError(f"factor must be >= 1, not {self.factor!r}")
        if not (self.cap >= self.backoff and math.isfinite(self.cap)):
            raise ValueError(f"cap must be >= backoff, not {self.cap!r}")

    def delays(self) -> Iterator[float]:
        """The waits before each repeat: ``retries`` values growing from ``backoff`` to ``cap``.

        :return: an iterator of seconds.
        """
        delay = self.backoff
        for _ in range(self.retries):
            yield min(delay, self.cap)
            delay *= self.factor


DEFAULT_RETRIES: Final = RetryPolicy()
"""3 repeats after 0.2, 0.4 and 0.8 s."""
NO_RETRIES: Final = RetryPolicy(retries=0)
"""Never repeat."""
