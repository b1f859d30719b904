"""Fixtures for the magics: an IPython shell with the extension loaded, a gateway behind Basic auth,
and notebooks run through nbclient on real IPython kernels."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
import requests
from IPython.core.interactiveshell import InteractiveShell
from nbclient import NotebookClient

from tests.support.gateway_process import RunningGateway, start_gateway

TIMEOUT = 180  # seconds for one cell that may start a Spark session (a JVM) on a busy 2-core machine
FILES = Path(__file__).resolve().parent.parent / "files"
USER, PASSWORD = "alice", "orchard-Secret-42"  # the Basic credentials of magics_sparkmagic_style.ipynb
AUTH = f"-t Basic_Access -a {USER} -p {PASSWORD}"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty sparkwire config file, so neither ~/.sparkwire nor ~/.sparkmagic is read (kernels inherit it)."""
    config = tmp_path / "sparkwire.json"
    config.write_text("{}")
    monkeypatch.setenv("SPARKWIRE_CONFIG", str(config))
    return config


@pytest.fixture(scope="package")
def basic_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    """A second gateway, behind Basic auth, for the password and cleanup tests; stopped in finally."""
    running = start_gateway(
        tmp_path_factory.mktemp("basic-gateway"),
        settings={"auth_user": USER, "auth_password": PASSWORD, "max_sessions": 6},
    )
    try:
        yield running
    finally:
        running.stop()


def gateway_sessions(gateway: RunningGateway) -> list[dict[str, Any]]:
    """The sessions of the Basic-auth gateway, straight from its REST API."""
    reply = requests.get(f"{gateway.url}/sessions", auth=(USER, PASSWORD), timeout=10)
    reply.raise_for_status()
    sessions: list[dict[str, Any]] = reply.json()["sessions"]
    return sessions


@pytest.fixture
def shell() -> Iterator[InteractiveShell]:
    """The IPython shell with ``sparkwire.magics`` freshly loaded (a new engine per test)."""
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "sparkwire.magics")
    try:
        yield ip
    finally:
        ip.run_line_magic("unload_ext", "sparkwire.magics")


@pytest.fixture
def attached(shell: InteractiveShell, gateway_url: str, pyspark_session: int) -> InteractiveShell:
    """The shell with the suite's shared session attached as ``main`` (no new JVM)."""
    shell.run_line_magic("spark", f"add -s main -l python -u {gateway_url} --id {pyspark_session}")
    return shell


def client(notebook: Any, cwd: Path) -> NotebookClient:
    """An nbclient on a real IPython kernel (the python3 kernelspec of this environment)."""
    return NotebookClient(
        notebook, timeout=TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )


def new_notebook(*sources: str, raises: tuple[int, ...] = ()) -> Any:
    """A notebook of code cells; cells whose index is in ``raises`` are tagged ``raises-exception``."""
    cells = [nbformat.v4.new_code_cell(source) for source in sources]
    for index in raises:
        cells[index].metadata["tags"] = ["raises-exception"]
    return nbformat.v4.new_notebook(cells=cells)


def output_text(cell: Any) -> str:
    """Everything a reader sees of a cell as text: streams, text/plain of results, error tracebacks."""
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif output["output_type"] == "error":
            parts.append(_ANSI.sub("", "\n".join(output["traceback"])))
        else:
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def all_outputs(notebook: Any) -> str:
    """Every output of a notebook, every MIME type, as stored in the file (to look for leaked secrets)."""
    return json.dumps([cell.get("outputs", []) for cell in notebook.cells])
