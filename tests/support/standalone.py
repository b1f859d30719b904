"""A real Spark standalone master and worker, started from the PySpark distribution on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyspark
import requests

from tests.support.gateway_process import free_port

SPARK_HOME = Path(pyspark.__file__).parent


@dataclass
class StandaloneCluster:
    master_url: str
    master_ui: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def _spark_class(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SPARK_HOME": str(SPARK_HOME),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_NO_DAEMONIZE": "1",
    }
    with open(log, "wb") as out:
        return subprocess.Popen(
            [str(SPARK_HOME / "bin" / "spark-class"), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )


def start_cluster(tmp: Path, worker_cores: int = 1, worker_memory: str = "1g") -> StandaloneCluster:
    """Start a master and one worker; return once the worker has registered."""
    tmp.mkdir(parents=True, exist_ok=True)
    port, ui_port, worker_ui = free_port(), free_port(), free_port()
    cluster = StandaloneCluster(f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui_port}")
    cluster.processes.append(
        _spark_class(
            [
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--webui-port",
                str(ui_port),
            ],
            tmp / "master.log",
        )
    )
    cluster.processes.append(
        _spark_class(
            [
                "org.apache.spark.deploy.worker.Worker",
                cluster.master_url,
                "--host",
                "127.0.0.1",
                "--webui-port",
                str(worker_ui),
                "--cores",
                str(worker_cores),
                "--memory",
                worker_memory,
                "--work-dir",
                str(tmp / "worker"),
            ],
            tmp / "worker.log",
        )
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            state = requests.get(f"{cluster.master_ui}/json/", timeout=2).json()
            if any(w.get("state") == "ALIVE" for w in state.get("workers", [])):
                return cluster
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.5)
    cluster.stop()
    raise RuntimeError(
        "standalone cluster did not come up:\n"
        + (tmp / "master.log").read_text()[-2000:]
        + (tmp / "worker.log").read_text()[-2000:]
    )
