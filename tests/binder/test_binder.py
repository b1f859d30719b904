"""Replay the binder steps (postBuild, then start) in a fresh virtual environment.

What binder does, minus Docker: a new environment gets the project from its own files only, registers
the kernel, starts the gateway, and the example notebook runs on the Remote PySpark kernel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.support.gateway_process import free_port

pytestmark = pytest.mark.slow


def _copy_checkout(repo: Path, target: Path) -> None:
    """The tracked files, plus the lab extension build that `make setup` made (binder builds its own)."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = repo / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    prebuilt = repo / "labextension" / "prebuilt"
    if prebuilt.is_dir():
        shutil.copytree(prebuilt, target / "labextension" / "prebuilt")


def _stop_gateways_of(env_dir: Path) -> None:
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if any(str(env_dir) in part for part in cmdline) and "gateway" in cmdline:
            for child in process.children(recursive=True):
                child.kill()
            process.kill()


def test_binder_steps_in_a_fresh_environment(tmp_path: Path, repo_root: Path) -> None:
    checkout, env_dir, home = tmp_path / "repo", tmp_path / "env", tmp_path / "home"
    _copy_checkout(repo_root, checkout)
    home.mkdir()
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(env_dir)], check=True)
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "SPARKWIRE_"))
    }
    env.update(
        PATH=f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}",
        HOME=str(home),
        VIRTUAL_ENV=str(env_dir),
        SPARKWIRE_GATEWAY_PORT=str(port),
        SPARKWIRE_GATEWAY_WORK_DIR=str(tmp_path / "gateway"),
        # The fresh kernel finds the gateway on this test's port instead of 8998.
        SPARKWIRE_URL=f"http://127.0.0.1:{port}",
        JUPYTER_PLATFORM_DIRS="1",
    )
    build = subprocess.run(
        ["bash", "binder/postBuild"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-3000:]
    kernels = subprocess.run(
        [str(env_dir / "bin" / "jupyter"), "kernelspec", "list"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "remote-pyspark" in kernels and str(env_dir) in kernels
    output = tmp_path / "executed.ipynb"
    try:
        run = subprocess.run(
            [
                "bash",
                "binder/start",
                str(env_dir / "bin" / "jupyter"),
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=300",
                "examples/remote-pyspark.ipynb",
                "--output",
                str(output),
            ],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-4000:]
        assert requests.get(
            f"http://127.0.0.1:{port}/version", timeout=5
        ).ok  # start left the gateway running
        assert "Pi is roughly 3.1" in output.read_text()
    finally:
        _stop_gateways_of(env_dir)
        time.sleep(1)
