"""Start and stop a real ``sparkwire gateway`` process on a free loopback port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

# Spark settings that keep test sessions light on a 2-core machine.
TEST_SPARK_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "768m",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gateway_argv(port: int, work_dir: Path, config: Path | None = None) -> list[str]:
    """:return: the command line of ``sparkwire gateway`` on ``port`` over ``work_dir``."""
    return [
        sys.executable,
        "-m",
        "sparkwire",
        "gateway",
        "--port",
        str(port),
        *(["--config", str(config)] if config is not None else []),
        "--work-dir",
        str(work_dir),
    ]


@dataclass
class RunningGateway:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    work_dir: Path
    output: Path

    def stop(self) -> int | None:
        """SIGTERM (the gateway stops its sessions), then SIGKILL the whole group."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(45)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return self.process.wait(10)

    def log_text(self) -> str:
        return self.output.read_text(errors="replace")


def start_gateway(
    tmp: Path,
    *,
    extra_args: list[str] | None = None,
    settings: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    wait: float = 60.0,
    port: int | None = None,
) -> RunningGateway:
    """Start ``python -m sparkwire gateway`` and wait until it answers ``/version``.

    :param port: a port to reuse (a restart on the same address); a free one by default.
    """
    port = port or free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    config = tmp / "gateway.json"
    # No warm pool unless a test asks for one: a pooled session is a JVM every gateway would start.
    config.write_text(
        json.dumps({"gateway": {"spark_conf": TEST_SPARK_CONF, "pool_size": 0, **(settings or {})}})
    )
    config.chmod(0o600)  # the gateway refuses a config file holding secrets that others can read
    output = tmp / "gateway.out"
    argv = [*gateway_argv(port, tmp / "work", config), *(extra_args or [])]
    with open(output, "wb") as out:
        process = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(env or {})},
            cwd=tmp,
        )
    gateway = RunningGateway(f"http://127.0.0.1:{port}", port, process, tmp / "work", output)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gateway exited with {process.returncode}:\n{gateway.log_text()}")
        try:
            if (
                requests.get(gateway.url + "/version", timeout=1, headers=_auth_headers(env)).status_code
                < 500
            ):
                return gateway
        except requests.ConnectionError:
            time.sleep(0.1)
    gateway.stop()
    raise RuntimeError(f"gateway did not answer within {wait}s:\n{gateway.log_text()}")


def _auth_headers(env: dict[str, str] | None) -> dict[str, str]:
    token = (env or {}).get("SPARKWIRE_GATEWAY_AUTH_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}
