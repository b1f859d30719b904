"""Kernel start: the Remote PySpark kernel next to a plain ipykernel, measured in the same run.

Both kernels come from this environment and are started the same way through jupyter_client,
alternately, ``ROUNDS`` times each:
- start to ready: ``start_kernel`` until ``kernel_info`` answers (``wait_for_ready``);
- RSS at ready: the kernel process's resident memory at that moment.
No Spark session is started: the Remote PySpark kernel starts one with the first cell.
Targets (issue 10): ready <= 1.3x the plain ipykernel; RSS <= 80 MiB (sparkmagic's kernel: 134 MiB).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

ROUNDS = 7
TIMEOUT = 120
MAX_RATIO = 1.3
MAX_RSS_MIB = 80.0


@dataclass
class StartFigures:
    name: str
    ready: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)


def _start_once(kernel_name: str, kernel_dirs: list[str], env: dict[str, str]) -> tuple[float, float]:
    manager = KernelManager(
        kernel_name=kernel_name, kernel_spec_manager=KernelSpecManager(kernel_dirs=kernel_dirs)
    )
    started = time.perf_counter()
    manager.start_kernel(env=env)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        ready = time.perf_counter() - started
        pid = manager.provisioner.pid if manager.provisioner is not None else None  # type: ignore[attr-defined]
        rss = psutil.Process(pid).memory_info().rss / 2**20 if pid else float("nan")
        return ready, rss
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)


def _kernels(tmp: Path) -> dict[str, list[str]]:
    from sparkwire.kernel.install import install_kernel_spec

    install_kernel_spec(prefix=str(tmp / "prefix"))
    plain = tmp / "plain" / "plain-ipykernel"
    plain.mkdir(parents=True)
    (plain / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "plain ipykernel",
                "language": "python",
            }
        )
    )
    return {
        "remote-pyspark": [str(tmp / "prefix" / "share" / "jupyter" / "kernels")],
        "plain-ipykernel": [str(tmp / "plain")],
    }


def _report(ours: StartFigures, plain: StartFigures) -> None:
    for figures in (ours, plain):
        print(
            f"{figures.name:>16}: start to ready p50 {statistics.median(figures.ready):5.2f} s "
            f"(min {min(figures.ready):5.2f} s)   RSS at ready p50 {statistics.median(figures.rss_mib):5.1f} MiB"
            f"   (n={len(figures.ready)})"
        )
    ratio = statistics.median(ours.ready) / statistics.median(plain.ready)
    rss = statistics.median(ours.rss_mib)
    print(
        f"targets: ready {ratio:.2f}x the plain ipykernel (<= {MAX_RATIO}x) {'OK' if ratio <= MAX_RATIO else 'MISSED'}; "
        f"RSS {rss:.1f} MiB (<= {MAX_RSS_MIB:.0f} MiB) {'OK' if rss <= MAX_RSS_MIB else 'MISSED'}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "home").mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SPARKWIRE_", "SPARKMAGIC_"))}
        env.update(
            HOME=str(tmp / "home"),
            IPYTHONDIR=str(tmp / "home" / ".ipython"),
            SPARKWIRE_URL="http://127.0.0.1:9",
        )  # never contacted: no cell runs
        dirs = _kernels(tmp)
        ours, plain = StartFigures("Remote PySpark"), StartFigures("plain ipykernel")
        _start_once("plain-ipykernel", dirs["plain-ipykernel"], env)  # warm the disk cache for both
        _start_once("remote-pyspark", dirs["remote-pyspark"], env)
        for _ in range(ROUNDS):
            for figures, kernel in ((ours, "remote-pyspark"), (plain, "plain-ipykernel")):
                ready, rss = _start_once(kernel, dirs[kernel], env)
                figures.ready.append(ready)
                figures.rss_mib.append(rss)
        _report(ours, plain)
