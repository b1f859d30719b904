"""Scala on the gateway: session start and a trivial statement, next to Python measured in the same run.

One gateway; ``STARTS`` rounds each start a ``pyspark`` session then a ``spark`` (Scala) session and time
``POST /sessions`` until ``idle`` (a Scala session is idle once its REPL has compiled its first line and
bound ``spark``). Then ``ROUNDS`` round trips of ``1 + 1`` (POST, then GET until available) alternate
between the last two sessions, each followed by one with the long poll sparkwire's own client uses (``?wait=``):
0.5 ms polls keep the gateway busy on a core the Scala compiler would use, so they slow a 100 ms statement more.
Then a third session, a ``spark`` one left idle until its REPL has run its warm-up lines (as a pooled session or
one a user pauses on has), gets ``ROUNDS`` more ``1 + 1`` round trips, alternating with the Python session again
(its ratio is to those): how fast statements get once warm.
Last, ``SQL_ROUNDS`` fetches of ``SQL_ROWS`` rows x 5 columns (``-c sql -o df -n -1``: the engine's SQL
transfer) alternate between the two sessions: on the gateway a Scala session's SQL goes through the same
Python Arrow transfer as a Python session's, so all rows arrive and the times should match.
Targets (issue 16): Scala start <= Python start + 2 s; trivial statement p50 <= 2x Python's.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import requests

from bench.stats import percentile, summary_ms
from sparkwire.engine.sql import SqlQuery, SqlTransfer
from sparkwire.livy import LivyClient, SessionKind
from tests.support.gateway_process import start_gateway
from tests.support.livy_http import HEADERS

STARTS = 2
ROUNDS = 30
TIMEOUT = 300.0
START_MARGIN_S = 2.0
STATEMENT_RATIO = 2.0
SQL_ROUNDS = 5
SQL_ROWS = 100_000
SQL_QUERY = (
    "SELECT id, id * 0.5D AS x, CAST(id AS STRING) AS s, DATE'2024-01-01' + CAST(id % 1000 AS INT) AS d, "
    f"timestamp_micros(id * 1000) AS ts FROM range({SQL_ROWS})"
)


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


def _round_trip(http: requests.Session, url: str, session_id: int, long_poll: bool = False) -> float:
    """:return: seconds from POST to the answer, polling every 0.5 ms, or with ``long_poll`` as sparkwire's
    client does (``?wait=``, the gateway answers once the statement is done)."""
    started = time.perf_counter()
    reply = http.post(f"{url}/sessions/{session_id}/statements", json={"code": "1 + 1"}, timeout=30)
    location = url + reply.headers["Location"]
    params = {"wait": "10"} if long_poll else None
    while True:
        statement = http.get(location, params=params, timeout=30).json()
        if statement["state"] == "available":
            if statement["output"]["status"] != "ok":
                raise RuntimeError(f"1 + 1 failed: {statement['output']}")
            return time.perf_counter() - started
        time.sleep(0.0005)


def _wait_warm_up(http: requests.Session, url: str, session_id: int) -> float:
    """Wait until the session log says the Scala REPL ran its warm-up lines.

    :return: seconds waited.
    """
    started = time.perf_counter()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        log = http.get(f"{url}/sessions/{session_id}/log", params={"size": 200}, timeout=10).json()["log"]
        if any("Scala warm-up ran" in line for line in log):
            return time.perf_counter() - started
        time.sleep(0.5)
    raise RuntimeError(f"the Scala session did not warm up within {TIMEOUT}s")


def _sql_fetch(transfer: SqlTransfer, client: LivyClient, session_id: int, kind: SessionKind) -> float:
    started = time.perf_counter()
    result = transfer.fetch(client, session_id, SqlQuery.from_sql(SQL_QUERY, max_rows=-1), session_kind=kind)
    if result.rows != SQL_ROWS:
        raise RuntimeError(f"the {kind.value} session returned {result.rows} rows, not {SQL_ROWS}")
    return time.perf_counter() - started


def ratio_of(trips: dict[str, list[float]], kind: str, python: str = "pyspark") -> float:
    """:return: the p50 of ``kind``'s round trips over Python's (those of the same phase)."""
    return percentile(trips[kind], 50) / percentile(trips[python], 50)


def main() -> None:
    starts: dict[str, list[float]] = {"pyspark": [], "spark": []}
    # "python2": Python's round trips interleaved with the warmed-up session's, the load of that phase
    trips: dict[str, list[float]] = {"pyspark": [], "spark": [], "warm": [], "python2": []}
    waits: dict[str, list[float]] = {"pyspark": [], "spark": [], "warm": [], "python2": []}
    fetches: dict[str, list[float]] = {"pyspark": [], "spark": []}
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
                    waits[kind].append(_round_trip(http, gateway.url, session_id, long_poll=True))
            warm_id, _ = _start(http, gateway.url, "spark")
            waited = _wait_warm_up(http, gateway.url, warm_id)
            for _ in range(3):
                _round_trip(http, gateway.url, warm_id)
            for _ in range(ROUNDS):
                for kind, session_id in (("python2", sessions["pyspark"]), ("warm", warm_id)):
                    trips[kind].append(_round_trip(http, gateway.url, session_id))
                    waits[kind].append(_round_trip(http, gateway.url, session_id, long_poll=True))
            http.delete(f"{gateway.url}/sessions/{warm_id}", timeout=60)
            transfer = SqlTransfer(timeout=TIMEOUT)
            with LivyClient(gateway.url, timeout=60) as client:
                for kind, session_id in sessions.items():  # warm-up: installs the helper, probes pyarrow
                    _sql_fetch(transfer, client, session_id, SessionKind(kind))
                for _ in range(SQL_ROUNDS):
                    for kind, session_id in sessions.items():
                        fetches[kind].append(_sql_fetch(transfer, client, session_id, SessionKind(kind)))
        finally:
            gateway.stop()
    for kind, label in (("pyspark", "Python"), ("spark", "Scala")):
        print(
            f"session start -> idle, {label:6}  p50 {percentile(starts[kind], 50):6.2f} s  "
            f"max {max(starts[kind]):6.2f} s  (n={len(starts[kind])})"
        )
    for kind, label in (("pyspark", "Python"), ("spark", "Scala")):
        print(f"1 + 1 round trip, {label:6}       {summary_ms(trips[kind])}")
    print(f"1 + 1 round trip, Scala warmed up {summary_ms(trips['warm'])}  (idle {waited:.1f} s after start)")
    print(f"1 + 1 round trip, Python beside it {summary_ms(trips['python2'])}")
    for kind, label in (
        ("pyspark", "Python"),
        ("spark", "Scala"),
        ("python2", "Python (2nd)"),
        ("warm", "Scala warmed up"),
    ):
        print(f"1 + 1 long poll, {label:15} {summary_ms(waits[kind])}")
    for kind, label in (("pyspark", "Python"), ("spark", "Scala")):
        print(f"SQL {SQL_ROWS // 1000}k rows x 5 cols, {label:6} {summary_ms(fetches[kind])}")
    extra = percentile(starts["spark"], 50) - percentile(starts["pyspark"], 50)
    ratio = percentile(trips["spark"], 50) / percentile(trips["pyspark"], 50)
    warm_ratio = ratio_of(trips, "warm", "python2")
    print(
        f"scala: start +{extra:.2f} s over Python (target <= +{START_MARGIN_S:.0f} s: "
        f"{'met' if extra <= START_MARGIN_S else 'NOT met'}); 1 + 1 p50 {ratio:.1f}x Python's "
        f"(target <= {STATEMENT_RATIO:.0f}x: {'met' if ratio <= STATEMENT_RATIO else 'NOT met'}; "
        f"{warm_ratio:.1f}x once warmed up; long poll {ratio_of(waits, 'spark'):.1f}x, "
        f"{ratio_of(waits, 'warm', 'python2'):.1f}x warmed up); "
        f"SQL fetch p50 {percentile(fetches['spark'], 50) / percentile(fetches['pyspark'], 50):.2f}x Python's"
    )
