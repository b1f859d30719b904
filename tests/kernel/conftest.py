"""Real Remote PySpark kernels for the kernel tests: the kernelspec installed into a temporary prefix,
kernels started with jupyter_client in an environment pointing at a gateway, with their own HOME."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

from sparkwire.kernel.install import KERNEL_NAME, install_kernel_spec

TIMEOUT = 120  # seconds for a cell that may start a session (a JVM) on a busy 2-core machine
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="session")
def kernel_dirs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The kernelspecs (PySpark, Scala, SparkR), installed the way users install them, into a temporary prefix."""
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    for language in ("python", "scala", "r"):
        install_kernel_spec(prefix=str(prefix), language=language)
    return [str(prefix / "share" / "jupyter" / "kernels")]


@dataclass
class CellRun:
    """One executed cell: the reply content and the iopub messages it caused."""

    reply: dict[str, Any]
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.reply["status"])

    @property
    def stdout(self) -> str:
        return "".join(c["text"] for t, c in self.messages if t == "stream" and c["name"] == "stdout")

    def of_type(self, msg_type: str) -> list[dict[str, Any]]:
        return [c for t, c in self.messages if t == msg_type]

    @property
    def results(self) -> list[dict[str, Any]]:
        """Data of execute_result and display_data messages, without transient views (start, progress)."""
        return [
            c["data"]
            for t, c in self.messages
            if t in ("execute_result", "display_data") and not c.get("transient", {}).get("display_id")
        ]

    @property
    def error_text(self) -> str:
        """The error message's traceback as one text, without colours."""
        (error,) = self.of_type("error")
        return _ANSI.sub("", "\n".join(error["traceback"]))


@dataclass
class RunningKernel:
    km: KernelManager
    kc: BlockingKernelClient

    def run(self, code: str, *, timeout: float = TIMEOUT, silent: bool = False) -> CellRun:
        messages: list[tuple[str, dict[str, Any]]] = []

        def hook(msg: dict[str, Any]) -> None:
            if msg["msg_type"] not in ("status", "execute_input"):
                messages.append((msg["msg_type"], msg["content"]))

        reply = self.kc.execute_interactive(code, timeout=timeout, silent=silent, output_hook=hook)
        return CellRun(reply["content"], messages)

    def complete(self, code: str, cursor: int | None = None) -> dict[str, Any]:
        self.kc.complete(code, cursor)
        content: dict[str, Any] = self.kc.get_shell_msg(timeout=30)["content"]
        return content

    def is_complete(self, code: str) -> str:
        self.kc.is_complete(code)
        return str(self.kc.get_shell_msg(timeout=30)["content"]["status"])

    def separate_client(self) -> AsyncKernelClient:
        """Another client of the kernel, with its own session id: clients sharing one (as
        ``km.client()`` makes them) share a zmq identity, and replies go astray once one is gone."""
        client = AsyncKernelClient(
            session=Session(key=self.km.session.key, signature_scheme=self.km.session.signature_scheme)
        )
        client.load_connection_info(self.km.get_connection_info())
        return client

    def stop(self) -> None:
        self.kc.stop_channels()
        if self.km.has_kernel:
            self.km.shutdown_kernel(now=False)


def kernel_environment(home: Path, **values: str) -> dict[str, str]:
    """The kernel's environment: ours without SPARKWIRE_* or SPARKMAGIC_*, a private HOME, and ``values``."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPARKWIRE_", "SPARKMAGIC_"))}
    return {**env, "HOME": str(home), "IPYTHONDIR": str(home / ".ipython"), **values}


def start_kernel(
    kernel_dirs: list[str], env: dict[str, str], kernel_name: str = KERNEL_NAME
) -> RunningKernel:
    """Start a Remote PySpark kernel (or another of sparkwire's kernels) and wait until it answers."""
    km = KernelManager(
        kernel_name=kernel_name, kernel_spec_manager=KernelSpecManager(kernel_dirs=kernel_dirs)
    )
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
    except RuntimeError:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise
    return RunningKernel(km, kc)


@pytest.fixture(scope="session")
def gateway_kernel(
    kernel_dirs: list[str], gateway_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningKernel]:
    """One kernel on the suite's gateway, for tests that leave its session usable (one JVM start for all)."""
    running = start_kernel(
        kernel_dirs, kernel_environment(tmp_path_factory.mktemp("home"), SPARKWIRE_URL=gateway_url)
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def kernel_factory(kernel_dirs: list[str], tmp_path: Path) -> Iterator[Any]:
    """Start kernels with ``factory(**env_values)``; all are stopped after the test."""
    started: list[RunningKernel] = []

    def factory(**values: str) -> RunningKernel:
        kernel = start_kernel(kernel_dirs, kernel_environment(tmp_path / f"home{len(started)}", **values))
        started.append(kernel)
        return kernel

    try:
        yield factory
    finally:
        for kernel in started:
            kernel.stop()
