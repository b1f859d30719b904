"""Small statistics helpers for benchmark reports."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """:return: the q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(values: Sequence[float]) -> str:
    """:return: ``p50 … p90 … mean …`` in milliseconds for values in seconds."""
    return (
        f"p50 {percentile(values, 50) * 1000:7.2f} ms  p90 {percentile(values, 90) * 1000:7.2f} ms  "
        f"mean {statistics.fmean(values) * 1000:7.2f} ms  (n={len(values)})"
    )
