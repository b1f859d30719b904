"""Sleep intervals for polling Livy: a pure generator, testable without a server."""

from __future__ import annotations

import math
from collections.abc import Iterator

__all__ = ["polling_intervals"]


def polling_intervals(start: float = 0.005, factor: float = 1.5, cap: float = 0.5) -> Iterator[float]:
    """Yield sleep intervals in seconds, without end: ``start``, then each ``factor`` times the last, up to ``cap``.

    Starting in milliseconds lets a quick statement (most of them) come back almost at once; backing
    off to ``cap`` keeps a long one from hammering the server. With the defaults the first 10
    intervals add up to about 0.6 s and the cap is reached after about 11 polls.

    :param start: the first interval, in seconds (> 0).
    :param factor: growth per step (>= 1; 1 means a constant interval).
    :param cap: the largest interval, in seconds (>= ``start``).
    :return: an infinite iterator of intervals.
    :raises ValueError: if the arguments are out of range.
    """
    if not (start > 0 and math.isfinite(start)):
        raise ValueError(f"start must be a positive number of seconds, not {start!r}")
    if not (factor >= 1 and math.isfinite(factor)):
        raise ValueError(f"factor must be >= 1, not {factor!r}")
    if not (cap >= start and math.isfinite(cap)):
        raise ValueError(f"cap must be >= start ({start!r}), not {cap!r}")
    interval = start
    while True:
        yield interval
        interval = min(interval * factor, cap)
