"""Scala on the gateway: session start and a trivial statement, next to Python measured in the same run.

One gateway; ``STARTS`` rounds each start a ``pyspark`` session then a ``spark`` (Scala) session and time
``POST /sessions`` until ``idle`` (a Scala session is idle once its REPL has compiled its first line and
bound ``spark``). Then ``ROUNDS`` round trips of ``1 + 1`` (POST, then GET until available) alternate
between the last two sessions.
Targets (issue 16): Scala start <= Python start + 2 s; trivial statement p50 <= 2x Python's.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import requests

from bench.stats import percentile, summary_ms
from tests.support.gateway_process import start_gateway
from tests.support.livy_http import HEADERS

STARTS = 2
ROUNDS = 30
TIMEOUT = 300.0
START_MARGIN_S = 2.0
STATEMENT_RATIO = 2.0


def _start(http: requests.Session, url: str, kind: str) -> tuple[int, float]:
    """:return: the session id and seconds from POST to ``idle``."""
    started = time.perf_counter()
    session_id = int(http.post(f"{url}/sessions", json={"kind": kind}, timeout=30).json()["id"])
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        state = http.get(f"{url}/sessions/{session_id}/state", timeout=10).json()["state"]
        if state == "idle":
            return session_id, time.perf_counter() - started
        if state in ("dead", "error", "killed"):
            raise RuntimeError(f"the {kind} session is {state}")
        time.sleep(0.05)  # gentle: a tight loop steals CPU from the starting JVM
    raise RuntimeError(f"the {kind} session did not start within {TIMEOUT}s")


def _round_trip(http: requests.Session, url: str, session_id: int) -> float:
    started = time.perf_counter()
    reply = http.post(f"{url}/sessions/{session_id}/statements", json={"code": "1 + 1"}, timeout=30)
    location = url + reply.headers["Location"]
    while True:
        statement = http.get(location, timeout=10).json()
        if statement["state"] == "available":
            if statement["output"]["status"] != "ok":
                raise RuntimeError(f"1 + 1 failed: {statement['output']}")
            return time.perf_counter() - started
        time.sleep(0.0005)


def main() -> None:
    starts: dict[str, list[float]] = {"pyspark": [], "spark": []}
    trips: dict[str, list[float]] = {"pyspark": [], "spark": []}
    with tempfile.TemporaryDirectory(prefix="bench-scala-") as tmp:
        gateway = start_gateway(Path(tmp), settings={"max_sessions": 4})
        http = requests.Session()
        http.headers.update(HEADERS)
        sessions: dict[str, int] = {}
        try:
            for index in range(STARTS):
                for kind in ("pyspark", "spark"):
                    session_id, seconds = _start(http, gateway.url, kind)
                    starts[kind].append(seconds)
                    if index < STARTS - 1:
                        http.delete(f"{gateway.url}/sessions/{session_id}", timeout=60)
                    else:
                        sessions[kind] = session_id
            for kind, session_id in sessions.items():
                for _ in range(3):  # warm-up: the first Scala lines also load compiler classes
                    _round_trip(http, gateway.url, session_id)
            for _ in range(ROUNDS):
                for kind, session_id in sessions.items():
                    trips[kind].append(_round_trip(http, gateway.url, session_id))
        finally:
            gateway.stop()
    for kind, label in (("pyspark", "Python"), ("spark", "Scala")):
        print(
            f"session start -> idle, {label:6}  p50 {percentile(starts[kind], 50):6.2f} s  "
            f"max {max(starts[kind]):6.2f} s  (n={len(starts[kind])})"
        )
    for kind, label in (("pyspark", "Python"), ("spark", "Scala")):
        print(f"1 + 1 round trip, {label:6}       {summary_ms(trips[kind])}")
    extra = percentile(starts["spark"], 50) - percentile(starts["pyspark"], 50)
    ratio = percentile(trips["spark"], 50) / percentile(trips["pyspark"], 50)
    print(
        f"scala: start +{extra:.2f} s over Python (target <= +{START_MARGIN_S:.0f} s: "
        f"{'met' if extra <= START_MARGIN_S else 'NOT met'}); 1 + 1 p50 {ratio:.1f}x Python's "
        f"(target <= {STATEMENT_RATIO:.0f}x: {'met' if ratio <= STATEMENT_RATIO else 'NOT met'})"
    )
