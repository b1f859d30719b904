"""``kernel.start_session: "on_kernel_start"`` in the magics: ``%spark add`` starts the session in the
background and returns; the first ``%%spark`` cell waits for the rest. A real IPython shell on the
suite's real gateway."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from IPython.core.interactiveshell import InteractiveShell

from .conftest import TIMEOUT

NAME = f"early-magics-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def early_shell(isolated_config: Path) -> Iterator[InteractiveShell]:
    """The shell with the magics loaded under a config that starts sessions on ``%spark add``."""
    isolated_config.write_text(
        json.dumps({"kernel": {"start_session": "on_kernel_start"}, "session": {"name": NAME}})
    )
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "sparkwire.magics")
    try:
        yield ip
    finally:
        ip.run_line_magic("unload_ext", "sparkwire.magics")


def _named(gateway_url: str) -> list[int]:
    sessions = requests.get(f"{gateway_url}/sessions", params={"size": 1000}, timeout=10).json()["sessions"]
    return [s["id"] for s in sessions if s["name"] == NAME]


def test_spark_add_returns_at_once_and_the_first_cell_waits_for_the_rest(
    early_shell: InteractiveShell, gateway_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    early_shell.run_line_magic("spark", f"add -s bg -l python -u {gateway_url}")
    assert f"Session 'bg' (pyspark) is starting on {gateway_url} in the background" in capsys.readouterr().out
    deadline = time.monotonic() + TIMEOUT
    while not _named(gateway_url):  # created while nothing runs in the shell
        assert time.monotonic() < deadline, "the background start created no session"
        time.sleep(0.1)
    early_shell.run_cell_magic("spark", "-s bg", "print(6 * 7)")
    assert "42" in capsys.readouterr().out
    (session_id,) = _named(gateway_url)  # started once
    early_shell.run_line_magic("spark", "delete -s bg")
    assert session_id not in _named(gateway_url)
