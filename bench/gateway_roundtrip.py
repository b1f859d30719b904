"""Gateway overhead: a trivial statement's round trip, and session start-up.

Alternatives measured in the same run:
- statement: the same code run by the session's own REPL in-process (no HTTP, no process hop);
  the difference is what the gateway adds.
- start-up: a plain local SparkSession started in a fresh Python process (spawn, import, getOrCreate);
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
from sparkwire.livy import LivyClient, SessionKind, SessionSpec, wait_for_session
from tests.support.gateway_process import start_gateway
from tests.support.livy_http import HEADERS

ROUNDS = 200
STARTS = 3

# Started the way the gateway starts a session: a new Python process that imports PySpark and builds
# a SparkSession. The parent's clock runs from spawning it to the "ready" line, as the gateway's does.
_PLAIN_START = """
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.master('local[*]').config('spark.sql.shuffle.partitions', '4') \\
    .config('spark.ui.showConsoleProgress', 'false').config('spark.driver.memory', '768m').getOrCreate()
print('ready', flush=True)
sys.stdin.readline()
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


def _session_start(url: str) -> float:
    # Wait as sparkwire's client does; a tight polling loop would steal CPU from the starting JVM.
    with LivyClient(url) as client:
        started = time.perf_counter()
        session = client.create_session(SessionSpec(kind=SessionKind.PYSPARK))
        wait_for_session(client, session.id, timeout=300)
        elapsed = time.perf_counter() - started
        client.delete_session(session.id)
    return elapsed


def _plain_start() -> float:
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _PLAIN_START],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    assert line.strip() == "ready", line
    child.stdin.write("\n")
    child.stdin.close()
    child.wait(60)
    return elapsed


def main() -> None:
    code = "1 + 1"
    with tempfile.TemporaryDirectory() as tmp:
        gateway = start_gateway(Path(tmp))
        http = requests.Session()
        try:
            session_id = http.post(
                f"{gateway.url}/sessions", json={"kind": "pyspark"}, headers=HEADERS
            ).json()["id"]
            while http.get(f"{gateway.url}/sessions/{session_id}/state").json()["state"] != "idle":
                time.sleep(0.05)
            for _ in range(20):  # warm up both sides
                _round_trip(http, gateway.url, session_id, code)
            trips = [_round_trip(http, gateway.url, session_id, code) for _ in range(ROUNDS)]
            http.delete(f"{gateway.url}/sessions/{session_id}", headers=HEADERS)
            starts = [_session_start(gateway.url) for _ in range(STARTS)]
        finally:
            gateway.stop()
    local = _in_process_repl(code)
    plain = [_plain_start() for _ in range(STARTS)]

    overhead = percentile(trips, 50) - percentile(local, 50)
    print(f"trivial statement via gateway  {summary_ms(trips)}")
    print(f"same code in-process (REPL)    {summary_ms(local)}")
    print(
        f"gateway overhead p50: {overhead * 1000:.2f} ms  (target <= 5 ms)  "
        f"{'OK' if overhead <= 0.005 else 'MISSED'}"
    )
    start_gap = percentile(starts, 50) - percentile(plain, 50)
    print(f"session start via gateway      p50 {percentile(starts, 50):6.2f} s  (n={len(starts)})")
    print(f"plain local SparkSession       p50 {percentile(plain, 50):6.2f} s  (n={len(plain)})")
    print(
        f"session start overhead: {start_gap:+.2f} s, ratio {percentile(starts, 50) / percentile(plain, 50):.2f}x "
        f"(target <= +0.5 s)  {'OK' if start_gap <= 0.5 else 'MISSED'}"
    )
