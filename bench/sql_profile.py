"""Where an SQL transfer's time goes: py-spy on the client, the gateway and the session process at once.

``python -m bench sql --profile [--rows 100k|1m] [--runs N]`` starts a gateway and a session, writes
the benchmark's table, then runs ``%%sql -o df -n N -q``'s fetch (plus its display bundle) N times in a
client process while py-spy samples all three processes. It writes one speedscope file per process
under ``build/profile/`` (open them at https://www.speedscope.app) and prints each side's heaviest
functions, so that a change can be judged without leaving the terminal.

Sampling includes idle threads (``--idle``): the session's main thread waits on the JVM through
py4j, and that wait is most of a transfer; each process's main thread is summarised.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil

from tests.support.gateway_process import TEST_SPARK_CONF, start_gateway

from .sql_transfer import _SETUP, SIZES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "profile"
RATE = 200  # samples per second: enough for a 0.2 s transfer, light enough not to skew it much

_CLIENT = """
import sys, time
from sparkwire.livy import LivyClient
from sparkwire.engine.sql import SqlQuery, SqlTransfer, result_bundle_for
url, session_id, label, n, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
client = LivyClient(url)
transfer = SqlTransfer()
query = SqlQuery.from_sql(f"SELECT * FROM bench_{label}", max_rows=n)
for _ in range(3):  # warm-ups: probe, helper install, the JVM's first compilations
    transfer.fetch(client, session_id, query)
times = []
for _ in range(runs):
    started = time.perf_counter()
    result = transfer.fetch(client, session_id, query)
    result_bundle_for(result, widgets=True)
    times.append(time.perf_counter() - started)
times.sort()
print(f"client: {runs} runs of {n:,} rows, median {times[len(times) // 2]:.3f} s, min {times[0]:.3f} s, "
      f"remote {dict((k, round(v, 3)) for k, v in result.remote_timings.items())}", flush=True)
"""


def _py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(found).exists():
        raise SystemExit("py-spy is missing: .venv/bin/pip install -e '.[bench]' (or pip install py-spy)")
    return found


def _record(target: list[str], output: Path) -> list[str]:
    return [
        _py_spy(),
        "record",
        "--rate",
        str(RATE),
        "--idle",
        "--format",
        "speedscope",
        "--output",
        str(output),
        "--nonblocking",
        *target,
    ]


def _summary(path: Path, top: int = 14) -> str:
    """The busiest thread's heaviest frames: inclusive share of samples, and self share."""
    document = json.loads(path.read_text())
    frames = document["shared"]["frames"]
    profiles = document["profiles"]
    if not profiles:
        return f"  (no samples in {path.name})"
    # All three do their work on the main thread: the gateway's event loop, the session's statements
    # (waiting on the JVM through py4j shows as socket reads), the client's fetch.
    profile = next((p for p in profiles if "MainThread" in p["name"]), profiles[0])
    total = sum(profile["weights"]) or 1
    inclusive: collections.Counter[int] = collections.Counter()
    own: collections.Counter[int] = collections.Counter()
    for stack, weight in zip(profile["samples"], profile["weights"]):
        for index in set(stack):
            inclusive[index] += weight
        if stack:
            own[stack[-1]] += weight
    lines = [f"  thread {profile['name']!r}: {total:.2f} s sampled; where it is spent (self):"]
    lines += [_row(frames[i], own[i], inclusive[i], total) for i, _ in own.most_common(top)]
    lines.append("  our functions by inclusive share:")
    ours = [i for i in inclusive if _is_ours(frames[i].get("file") or "")]
    lines += [
        _row(frames[i], own[i], inclusive[i], total) for i in sorted(ours, key=lambda i: -inclusive[i])[:top]
    ]
    return "\n".join(lines)


def _row(frame: dict[str, str], own: float, inclusive: float, total: float) -> str:
    where = f"{Path(frame.get('file') or '?').name}:{frame.get('line', '?')}"
    return (
        f"  {100 * inclusive / total:5.1f}% incl {100 * own / total:5.1f}% self  "
        f"{frame['name'][:48]:<48} {where}"
    )


def _is_ours(path: str) -> bool:
    return (
        any(f"/{folder}/" in path for folder in ("engine", "gateway", "livy", "kernel"))
        and "site-packages/" not in path
        or "<sparkwire>" in path
    )


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:  # exited (a zombie) since it was listed
        return []


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench sql --profile")
    parser.add_argument("--rows", choices=list(SIZES), default="100k")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sparkwire-bench-profile-") as tmp_name:
        tmp = Path(tmp_name)
        sizes = {args.rows: SIZES[args.rows]}
        setup = textwrap.dedent(_SETUP.format(sizes=sizes, data=str(tmp / "data")))
        conf = {**TEST_SPARK_CONF, "spark.driver.memory": "2g"}
        gateway = start_gateway(tmp / "gateway", settings={"spark_conf": conf})
        recorders: list[subprocess.Popen[bytes]] = []
        try:
            from sparkwire.livy import LivyClient, SessionKind, SessionSpec, run_statement, wait_for_session

            with LivyClient(gateway.url, timeout=600) as client:
                session = client.create_session(SessionSpec(kind=SessionKind.PYSPARK, name="bench-profile"))
                wait_for_session(client, session.id, timeout=300)
                run_statement(client, session.id, setup, raise_on_error=True, timeout=600)
            workers = [
                p
                for p in psutil.Process(gateway.process.pid).children(recursive=True)
                if "sparkwire.gateway.worker" in " ".join(_cmdline(p))
            ]
            files = {
                "gateway": OUT / f"sql-{args.rows}-gateway.speedscope.json",
                "session": OUT / f"sql-{args.rows}-session.speedscope.json",
                "client": OUT / f"sql-{args.rows}-client.speedscope.json",
            }
            recorders.append(
                subprocess.Popen(
                    _record(["--pid", str(gateway.process.pid)], files["gateway"]),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            if workers:
                recorders.append(
                    subprocess.Popen(
                        _record(["--pid", str(workers[0].pid)], files["session"]),
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            time.sleep(1.0)  # let the recorders attach
            client_argv = [
                sys.executable,
                "-c",
                _CLIENT,
                gateway.url,
                str(session.id),
                args.rows,
                str(SIZES[args.rows]),
                str(args.runs),
            ]
            subprocess.run(
                _record(["--", *client_argv], files["client"]),
                check=False,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                timeout=900,
            )
        finally:
            for recorder in recorders:
                _stop(recorder)
            gateway.stop()
    for side, path in files.items():
        print(f"{side}: {path.relative_to(ROOT)}")
        if path.exists():
            print(_summary(path))
