"""The panel's TypeScript unit tests (vitest: model, polling, parsing) and type check, run by
``npm test`` in labextension/ so that ``make test`` covers them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

LABEXTENSION = Path(__file__).resolve().parents[2] / "labextension"


def test_labextension_unit_tests_pass() -> None:
    npm = shutil.which("npm")
    if npm is None or not (LABEXTENSION / "node_modules" / "vitest").exists():
        pytest.fail("npm or the panel's node_modules are missing: run `make setup` first.")
    result = subprocess.run(
        [npm, "test", "--silent"],
        check=False,
        cwd=LABEXTENSION,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "CI": "true", "NO_COLOR": "1"},
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert " passed" in result.stdout and " failed" not in result.stdout, result.stdout
