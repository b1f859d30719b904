"""Installing the kernelspec: ``sparkwire install-kernel`` and the files shipped in the package."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from sparkwire.cli import main
from sparkwire.kernel.install import KERNEL_NAME, kernel_spec


def test_kernel_spec_runs_this_python_with_signal_interrupts() -> None:
    spec = kernel_spec()
    assert spec["argv"] == [sys.executable, "-m", "sparkwire.kernel", "-f", "{connection_file}"]
    assert spec["display_name"] == "Remote PySpark"
    assert spec["interrupt_mode"] == "signal"
    assert spec["language"] == "python"


def test_install_kernel_into_a_prefix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install-kernel", "--prefix", str(tmp_path), "--display-name", "Spark (test)"]) == 0
    installed = tmp_path / "share" / "jupyter" / "kernels" / KERNEL_NAME
    spec = json.loads((installed / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable and spec["display_name"] == "Spark (test)"
    assert {p.name for p in installed.iterdir()} == {"kernel.json", "logo-32x32.png", "logo-64x64.png"}
    assert str(installed) in capsys.readouterr().out
    # Installing again replaces the old spec.
    assert main(["install-kernel", "--prefix", str(tmp_path)]) == 0
    assert json.loads((installed / "kernel.json").read_text())["display_name"] == "Remote PySpark"


def test_install_options_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["install-kernel", "--user", "--sys-prefix"])
    assert "not allowed with argument" in capsys.readouterr().err
