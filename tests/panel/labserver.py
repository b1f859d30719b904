"""Start and stop a real ``jupyter lab`` on a free loopback port, isolated from the developer's
settings, with sparkwire's panel installed in the venv (``make setup``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.gateway_process import free_port

LABEXTENSION = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "sparkwire-labextension"


@dataclass
class RunningLab:
    url: str
    token: str
    process: subprocess.Popen[bytes]
    output: Path

    def stop(self) -> None:
        """SIGTERM, then SIGKILL the group if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)

    def log_text(self) -> str:
        return self.output.read_text(errors="replace")


def start_lab(
    tmp: Path, sparkwire_config: Path, *, root: Path | None = None, wait: float = 60.0
) -> RunningLab:
    """Start JupyterLab with its own home, config, settings and kernel directories; wait for its API."""
    home, config_dir, root = tmp / "home", tmp / "jupyter-config", root or tmp / "root"
    for folder in (home, config_dir / "labconfig", root):
        folder.mkdir(parents=True, exist_ok=True)
    # The news prompt would cover the panel's buttons in screenshots.
    (config_dir / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    # The Remote PySpark kernel, for "attach", registered in a prefix of this lab's own.
    kernels = tmp / "kernels"
    subprocess.run(
        [sys.executable, "-m", "sparkwire", "install-kernel", "--prefix", str(kernels)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port, token = free_port(), uuid.uuid4().hex
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_PATH": str(kernels / "share" / "jupyter"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "lab-workspaces"),
        "SPARKWIRE_CONFIG": str(sparkwire_config),
    }
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    output = tmp / "lab.out"
    with open(output, "wb") as out:
        process = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True
        )
    lab = RunningLab(f"http://127.0.0.1:{port}", token, process, output)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n{lab.log_text()}")
        try:
            reply = requests.get(f"{lab.url}/sparkwire/endpoints", params={"token": token}, timeout=2)
            if reply.status_code == 200:
                return lab
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    lab.stop()
    raise RuntimeError(f"jupyter lab did not answer within {wait}s:\n{lab.log_text()}")
