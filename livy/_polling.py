"""Sleep intervals for polling Livy: a pure generator, testable without a server."""

from __future__ import annotations

import math
from collections.abc import Iterator

__all__ = ["polling_intervals"]


def polling_intervals(
    start: float = 0.002, factor: float = 1.5, cap: float = 1.0, ratio: float | None = 0.05
) -> Iterator[float]:
    """Yield sleep intervals in seconds, without end.

    Each interval is ``factor`` times the last, but never more than ``ratio`` of the time waited so far
    (nor less than ``start``), and never more than ``cap``. Starting in milliseconds lets a quick
    statement (most of them) come back almost at once; tying the interval to the time already waited
    bounds what polling adds to a long statement to about ``ratio`` of its run time (at most ``cap``),
    while the number of requests grows only logarithmically with it.

    :param start: the first (and smallest) interval, in seconds (> 0).
    :param factor: growth per step (>= 1; 1 means a constant interval).
    :param cap: the largest interval, in seconds (>= ``start``).
    :param ratio: the largest interval as a fraction of the time waited so far; ``None`` for plain
        geometric growth up to ``cap``.
    :return: an infinite iterator of intervals.
    :raises ValueError: if the arguments are out of range.
    """
    if not (start > 0 and math.isfinite(start)):
        raise ValueError(f"start must be a positive number of seconds, not {start!r}")
    if not (factor >= 1 and math.isfinite(factor)):
        raise ValueError(f"factor must be >= 1, not {factor!r}")
    if not (cap >= start and math.isfinite(cap)):
        raise ValueError(f"cap must be >= start ({start!r}), not {cap!r}")
    if ratio is not None and not (ratio > 0 and math.isfinite(ratio)):
        raise ValueError(f"ratio must be a positive fraction, not {ratio!r}")
    interval = start
    waited = 0.0
    while True:
        yield interval
        waited += interval
        interval = min(interval * factor, cap)
        if ratio is not None:
            interval = max(start, min(interval, ratio * waited))
