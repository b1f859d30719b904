"""Warm pool: create → ``idle`` for a session handed out from the pool, next to a cold start.

One gateway with ``pool_size`` 1, measured in the same run, ``ROUNDS`` rounds each:
- pool: wait until ``GET /pool`` reports a ready session, then time ``POST /sessions`` until
  ``GET /sessions/{id}/state`` says ``idle`` (and the first statement's answer);
- cold: the same with ``conf`` the pool does not hold (``spark.app.name``), so the session starts
  for the request, as every session did before issue 14.
Then, on a second gateway pooling only ``spark`` (Scala) sessions, ``SCALA_ROUNDS`` of each: a Scala
hand-out (REPL already running) next to a cold Scala start, first statement ``1 + 1`` in Scala.
Target (issue 14): create → idle from the pool <= 1 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import requests

from bench.stats import percentile
from sparkwire.gateway.kinds import runnable_kinds
from tests.support.gateway_process import start_gateway
from tests.support.livy_http import HEADERS

ROUNDS = 3
SCALA_ROUNDS = 1  # a cold Scala start is Spark's plus the REPL's first compile: one is enough
TIMEOUT = 300.0
TARGET_S = 1.0


def _wait(http: requests.Session, url: str, path: str, done: str, key: str = "state") -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = http.get(url + path, timeout=10).json()[key]
        if value == done:
            return
        if value in ("dead", "error", "killed"):
            raise RuntimeError(f"{path} is {value}")
        time.sleep(0.01)
    raise RuntimeError(f"{path} did not reach {done} within {TIMEOUT}s")


def _pool_ready(http: requests.Session, url: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while http.get(url + "/pool", timeout=10).json()["ready"] < 1:
        if time.monotonic() > deadline:
            raise RuntimeError("the pool did not fill")
        time.sleep(0.1)


def _create_to_idle(http: requests.Session, url: str, body: dict[str, object]) -> tuple[float, float]:
    """:return: seconds from POST to ``idle``, and to the first statement's result."""
    started = time.perf_counter()
    session_id = http.post(url + "/sessions", json=body, timeout=30).json()["id"]
    _wait(http, url, f"/sessions/{session_id}/state", "idle")
    idle = time.perf_counter() - started
    statement = http.post(
        f"{url}/sessions/{session_id}/statements", json={"code": "1 + 1"}, timeout=30
    ).json()
    _wait(http, url, f"/sessions/{session_id}/statements/{statement['id']}", "available")
    first = time.perf_counter() - started
    http.delete(f"{url}/sessions/{session_id}", timeout=60)
    return idle, first


def _measure(kind: str, rounds: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """:return: (pooled, cold) figures for ``rounds`` of each on a gateway pooling only ``kind``."""
    with tempfile.TemporaryDirectory(prefix="bench-pool-") as tmp:
        gateway = start_gateway(Path(tmp), settings={"pool_size": 1, "pool_kinds": kind})
        http = requests.Session()
        http.headers.update(HEADERS)
        pooled: list[tuple[float, float]] = []
        cold: list[tuple[float, float]] = []
        try:
            for index in range(rounds):
                _pool_ready(http, gateway.url)
                pooled.append(_create_to_idle(http, gateway.url, {"kind": kind}))
                # The refill runs meanwhile in both cases: the pool is what a gateway runs with.
                cold_conf = {"spark.app.name": f"cold-{index}"}
                cold.append(_create_to_idle(http, gateway.url, {"kind": kind, "conf": cold_conf}))
        finally:
            gateway.stop()
    return pooled, cold


def _report(label: str, figures: list[tuple[float, float]]) -> None:
    idle = [f[0] for f in figures]
    first = [f[1] for f in figures]
    print(
        f"create -> idle, {label:19}  p50 {percentile(idle, 50):6.3f} s  max {max(idle):6.3f} s   "
        f"-> first statement p50 {percentile(first, 50):6.3f} s  (n={len(figures)})"
    )


def main() -> None:
    pooled, cold = _measure("pyspark", ROUNDS)
    _report("from the pool", pooled)
    _report("cold start", cold)
    best = percentile([f[0] for f in pooled], 50)
    print(
        f"pool: create -> idle p50 {best:.3f} s (target <= {TARGET_S:.0f} s: "
        f"{'met' if best <= TARGET_S else 'NOT met'}), "
        f"{percentile([f[0] for f in cold], 50) / max(best, 1e-6):.0f}x faster than a cold start"
    )
    if "spark" not in runnable_kinds():
        print("scala: skipped (this Spark ships no Scala REPL)")
        return
    scala_pooled, scala_cold = _measure("spark", SCALA_ROUNDS)
    _report("Scala from the pool", scala_pooled)
    _report("Scala cold start", scala_cold)
