"""Gateway under load: many statements from many threads, then many concurrent GETs.

- statements: 4 sessions x 250 statements, submitted from 8 threads (each thread drives its share
  of one session's statements), each waited for to the end. Every statement must come back
  ``available`` with the value it computed: 0 lost. Prints round-trip p50 and p99.
- reads: 30 s of concurrent ``GET /sessions``, ``GET /sessions/{id}`` and ``GET .../statements/{n}``
  from 8 threads. Prints requests/s, errors, and the gateway's RSS before and after.
Target (issue 13): 0 lost; RSS stays flat under reads.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import requests

from bench.stats import percentile
from tests.support.gateway_process import start_gateway
from tests.support.livy_http import HEADERS, create_session, wait_session

SESSIONS = 4
STATEMENTS_PER_SESSION = 250
THREADS = 8
READ_SECONDS = 30.0


def _statement_round_trip(http: requests.Session, url: str, session_id: int, n: int) -> tuple[float, bool]:
    started = time.perf_counter()
    reply = http.post(
        f"{url}/sessions/{session_id}/statements", json={"code": f"{n} * 3"}, headers=HEADERS, timeout=60
    )
    if reply.status_code != 201:
        return time.perf_counter() - started, False
    location = url + reply.headers["Location"]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        statement = http.get(location, timeout=60).json()
        if statement["state"] in ("available", "error", "cancelled"):
            output = statement.get("output") or {}
            ok = output.get("status") == "ok" and output.get("data", {}).get("text/plain") == str(n * 3)
            return time.perf_counter() - started, ok
        time.sleep(0.002)
    return time.perf_counter() - started, False


def _run_threads(count: int, target: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _statements(url: str, session_ids: list[int]) -> None:
    timings: list[float] = []
    lost: list[tuple[int, int]] = []
    lock = threading.Lock()
    per_thread = STATEMENTS_PER_SESSION * SESSIONS // THREADS

    def worker(index: int) -> None:
        session_id = session_ids[index % SESSIONS]
        with requests.Session() as http:
            for k in range(per_thread):
                n = index * per_thread + k
                elapsed, ok = _statement_round_trip(http, url, session_id, n)
                with lock:
                    timings.append(elapsed)
                    if not ok:
                        lost.append((session_id, n))

    started = time.perf_counter()
    _run_threads(THREADS, worker)
    wall = time.perf_counter() - started
    total = per_thread * THREADS
    print(
        f"statements: {SESSIONS} sessions x {STATEMENTS_PER_SESSION} from {THREADS} threads: {total} in "
        f"{wall:.1f} s ({total / wall:.0f}/s), lost {len(lost)}"
    )
    print(
        f"  round trip p50 {percentile(timings, 50) * 1000:.1f} ms  p99 {percentile(timings, 99) * 1000:.1f} ms  "
        f"max {max(timings) * 1000:.1f} ms"
    )


def _reads(url: str, session_ids: list[int], gateway_pid: int) -> None:
    gateway = psutil.Process(gateway_pid)
    rss_before = gateway.memory_info().rss
    counts = [0] * THREADS
    errors = [0] * THREADS
    stop_at = time.monotonic() + READ_SECONDS

    def worker(index: int) -> None:
        session_id = session_ids[index % SESSIONS]
        paths = [
            "/sessions",
            f"/sessions/{session_id}",
            f"/sessions/{session_id}/statements/0",
            f"/sessions/{session_id}/state",
        ]
        with requests.Session() as http:
            n = 0
            while time.monotonic() < stop_at:
                try:
                    if http.get(url + paths[n % len(paths)], timeout=30).status_code != 200:
                        errors[index] += 1
                except requests.RequestException:
                    errors[index] += 1
                counts[index] += 1
                n += 1

    _run_threads(THREADS, worker)
    rss_after = gateway.memory_info().rss
    print(
        f"reads: {sum(counts)} GETs in {READ_SECONDS:.0f} s from {THREADS} threads "
        f"({sum(counts) / READ_SECONDS:.0f}/s), errors {sum(errors)}"
    )
    print(f"  gateway RSS before {rss_before / 1e6:.0f} MB, after {rss_after / 1e6:.0f} MB")


def main() -> None:
    """Run the load benchmark against a fresh gateway and print its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        gateway = start_gateway(Path(tmp), settings={"max_sessions": SESSIONS, "statements_kept": 1000})
        try:
            session_ids = [
                int(
                    create_session(gateway.url, {"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}})[
                        "id"
                    ]
                )
                for _ in range(SESSIONS)
            ]
            for session_id in session_ids:
                wait_session(gateway.url, session_id, timeout=600)
            _statements(gateway.url, session_ids)
            _reads(gateway.url, session_ids, gateway.process.pid)
        finally:
            gateway.stop()


if __name__ == "__main__":
    main()
