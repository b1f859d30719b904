"""Gateway memory and responsiveness under large statement outputs.

Ten statements each print 50 MB; a client fetches every output, while another client polls a
trivial ``GET /sessions/{id}/state`` every 20 ms. Printed: the gateway's RSS after (and its peak,
sampled every 20 ms), and the trivial GET's latency.

Alternative measured in the same run: the same load with spilling switched off
(``output_spill_bytes`` above the output size), i.e. outputs held in the gateway's memory, as before
issue 13.
Target (issue 13): RSS after 10 x 50 MB outputs < 300 MB; the other client's trivial GET < 50 ms p99.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

import psutil
import requests

from bench.stats import percentile, summary_ms
from tests.support.gateway_process import start_gateway
from tests.support.livy_http import create_session, run, wait_session

OUTPUTS = 10
OUTPUT_MB = 50


def _probe(url: str, pid: int, stop: Event, results: Connection) -> None:
    """The other client, in its own process (a thread would share the GIL with the JSON parsing of
    the 50 MB outputs and measure that instead): trivial GETs, and the gateway's RSS sampled alongside."""
    process = psutil.Process(pid)
    latencies: list[float] = []
    peak = 0
    with requests.Session() as http:
        while not stop.wait(0.02):
            started = time.perf_counter()
            http.get(url, timeout=30).raise_for_status()
            latencies.append(time.perf_counter() - started)
            peak = max(peak, process.memory_info().rss)
    results.send((latencies, peak))


def _measure(spill: bool) -> tuple[int, int, list[float]]:
    with tempfile.TemporaryDirectory(prefix="sw-bench-mem-") as tmp:
        settings = {
            "output_spill_bytes": 1024 * 1024 if spill else 1024**3,
            "max_output_bytes": 128 * 1024**2,
        }
        gateway = start_gateway(Path(tmp), settings=settings)
        try:
            session_id = create_session(
                gateway.url, {"kind": "pyspark", "conf": {"spark.ui.enabled": "false"}}
            )["id"]
            wait_session(gateway.url, session_id)
            context = multiprocessing.get_context("spawn")
            stop = context.Event()
            receiver, sender = context.Pipe(duplex=False)
            probe = context.Process(
                target=_probe,
                args=(f"{gateway.url}/sessions/{session_id}/state", gateway.process.pid, stop, sender),
            )
            probe.start()
            for n in range(OUTPUTS):
                statement = run(
                    gateway.url, session_id, f"print({chr(97 + n)!r} * {OUTPUT_MB * 1000 * 1000})"
                )
                assert statement["output"]["status"] == "ok", statement["output"].get("evalue")
                size = len(statement["output"]["data"]["text/plain"])
                assert size >= OUTPUT_MB * 1000 * 1000, size
            listed = requests.get(
                f"{gateway.url}/sessions/{session_id}/statements", params={"size": 3}, timeout=120
            )
            assert len(listed.json()["statements"]) == 3
            time.sleep(1.0)
            stop.set()
            latencies, peak = receiver.recv()
            probe.join(30)
            rss = psutil.Process(gateway.process.pid).memory_info().rss
            return rss, peak, latencies
        finally:
            gateway.stop()


def main() -> None:
    """Run both configurations and print the figures."""
    for label, spill in (("spilled to disk (default)", True), ("held in memory (alternative)", False)):
        rss, peak, latencies = _measure(spill)
        print(
            f"outputs {label:30s}: gateway RSS after {rss / 1e6:6.0f} MB  peak {peak / 1e6:6.0f} MB",
            flush=True,
        )
        print(
            f"  other client's GET /state: {summary_ms(latencies)}  p99 {percentile(latencies, 99) * 1000:7.2f} ms",
            flush=True,
        )
    print(f"target: RSS after {OUTPUTS} x {OUTPUT_MB} MB < 300 MB; trivial GET p99 < 50 ms", flush=True)
