"""Gateway overhead: a trivial statement's round trip, and session start-up.

Alternatives measured in the same run:
- statement: the same code run by the session's own REPL in-process (no HTTP, no process hop);
  the difference is what the gateway adds.
- start-up: a plain local SparkSession started in a fresh Python process (import + getOrCreate);
  the difference is what a gateway session costs on top of Spark itself.
Targets (issue 2): overhead per trivial statement <= 5 ms p50; a session idle <= 0.5 s after its
SparkSession would be ready on its own.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench.stats import percentile, summary_ms
from tests.support.gateway_process import start_gateway
from tests.support.livy_http import HEADERS

ROUNDS = 200
STARTS = 3

_PLAIN_START = """
import time, sys
t0 = time.perf_counter()
from pyspark.sql import SparkSession
spark = SparkSession.builder.master('local[*]').config('spark.sql.shuffle.partitions', '4') \
    .config('spark.ui.showConsoleProgress', 'false').config('spark.driver.memory', '768m').getOrCreate()
print(time.perf_counter() - t0)
spark.stop()
"""


def _round_trip(http: requests.Session, url: str, session_id: int, code: str) -> float:
    started = time.perf_counter()
    reply = http.post(f"{url}/sessions/{session_id}/statements", json={"code": code}, headers=HEADERS)
    location = url + reply.headers["Location"]
    while True:
        statement = http.get(location).json()
        if statement["state"] == "available":
            return time.perf_counter() - started
        time.sleep(0.0005)


def _in_process_repl(code: str) -> list[float]:
    from pyspark.sql import SparkSession
    from sparkwire.gateway.worker.namespace import make_namespace
    from sparkwire.gateway.worker.repl import PythonRepl

    spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
    try:
        repl = PythonRepl(make_namespace(spark))
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            repl.execute(code)
            timings.append(time.perf_counter() - started)
        return timings
    finally:
        spark.stop()


def _session_start(http: requests.Session, url: str) -> float:
    started = time.perf_counter()
    session_id = http.post(f"{url}/sessions", json={"kind": "pyspark"}, headers=HEADERS).json()["id"]
    while http.get(f"{url}/sessions/{session_id}/state").json()["state"] != "idle":
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    http.delete(f"{url}/sessions/{session_id}", headers=HEADERS)
    return elapsed


def _plain_start() -> float:
    out = subprocess.run([sys.executable, "-c", _PLAIN_START], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    code = "1 + 1"
    with tempfile.TemporaryDirectory() as tmp:
        gateway = start_gateway(Path(tmp))
        http = requests.Session()
        try:
            session_id = http.post(f"{gateway.url}/sessions", json={"kind": "pyspark"}, headers=HEADERS).json()["id"]
            while http.get(f"{gateway.url}/sessions/{session_id}/state").json()["state"] != "idle":
                time.sleep(0.05)
            for _ in range(20):  # warm up both sides
                _round_trip(http, gateway.url, session_id, code)
            trips = [_round_trip(http, gateway.url, session_id, code) for _ in range(ROUNDS)]
            http.delete(f"{gateway.url}/sessions/{session_id}", headers=HEADERS)
            starts = [_session_start(http, gateway.url) for _ in range(STARTS)]
        finally:
            gateway.stop()
    local = _in_process_repl(code)
    plain = [_plain_start() for _ in range(STARTS)]

    overhead = percentile(trips, 50) - percentile(local, 50)
    print(f"trivial statement via gateway  {summary_ms(trips)}")
    print(f"same code in-process (REPL)    {summary_ms(local)}")
    print(f"gateway overhead p50: {overhead * 1000:.2f} ms  (target <= 5 ms)  "
          f"{'OK' if overhead <= 0.005 else 'MISSED'}")
    start_gap = percentile(starts, 50) - percentile(plain, 50)
    print(f"session start via gateway      p50 {percentile(starts, 50):6.2f} s  (n={len(starts)})")
    print(f"plain local SparkSession       p50 {percentile(plain, 50):6.2f} s  (n={len(plain)})")
    print(f"session start overhead: {start_gap:+.2f} s, ratio {percentile(starts, 50) / percentile(plain, 50):.2f}x "
          f"(target <= +0.5 s)  {'OK' if start_gap <= 0.5 else 'MISSED'}")
