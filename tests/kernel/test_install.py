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
    # A display name alone names the PySpark kernel (as before the Scala and R kernels existed).
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


def test_install_kernel_installs_the_scala_and_sparkr_kernels_too(tmp_path: Path) -> None:
    assert main(["install-kernel", "--prefix", str(tmp_path)]) == 0
    kernels = tmp_path / "share" / "jupyter" / "kernels"
    assert sorted(p.name for p in kernels.iterdir()) == [
        "remote-pyspark",
        "remote-spark-scala",
        "remote-sparkr",
    ]
    scala = json.loads((kernels / "remote-spark-scala" / "kernel.json").read_text())
    assert scala["argv"] == [
        sys.executable,
        "-m",
        "sparkwire.kernel",
        "--RemotePySparkKernel.session_language=scala",
        "-f",
        "{connection_file}",
    ]
    assert (scala["display_name"], scala["language"], scala["interrupt_mode"]) == (
        "Remote Spark (Scala)",
        "scala",
        "signal",
    )
    assert json.loads((kernels / "remote-sparkr" / "kernel.json").read_text())["language"] == "r"


def test_install_one_language_with_its_own_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["install-kernel", "--prefix", str(tmp_path), "--language", "scala", "--name", "scala-prod"])
        == 0
    )
    assert [p.name for p in (tmp_path / "share" / "jupyter" / "kernels").iterdir()] == ["scala-prod"]
    assert main(["install-kernel", "--prefix", str(tmp_path), "--name", "x", "--language", "all"]) == 2
    assert "use --language python, scala or r" in capsys.readouterr().err


def test_the_wheel_ships_each_kernelspec_as_the_installer_writes_it(repo_root: Path) -> None:
    """pyproject's data-files put the three kernelspecs where Jupyter looks (the wheel test checks the
    built wheel; this is the quick check of the same declaration)."""
    import tomllib

    data_files = tomllib.loads((repo_root / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    for language, name in (
        ("python", "remote-pyspark"),
        ("scala", "remote-spark-scala"),
        ("r", "remote-sparkr"),
    ):
        files = data_files[f"share/jupyter/kernels/{name}"]
        assert sorted(Path(f).name for f in files) == ["kernel.json", "logo-32x32.png", "logo-64x64.png"]
        assert all((repo_root / f).is_file() for f in files)
        shipped = json.loads((repo_root / next(f for f in files if f.endswith(".json"))).read_text())
        # Jupyter replaces a leading "python" with its own interpreter; the rest is what install-kernel writes.
        assert shipped["argv"][0] == "python"
        assert shipped == {
            **kernel_spec(language=language),
            "argv": ["python", *kernel_spec(language=language)["argv"][1:]],
        }
