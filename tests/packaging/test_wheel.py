"""The wheel, as a user gets it: built from a clean copy of HEAD with plain pip (no make), installed
into a fresh venv that already holds pandas 2.2.3, then checked with Jupyter's own tools.

Needs Node.js and npm (the build compiles the sidebar) and the package index; slow (a few minutes).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PANDAS = "2.2.3"
# The light venv's size (files, .pyc included), in MiB: pyarrow alone is 170 MiB of it. A bound that
# catches PySpark (450 MiB) or JupyterLab sneaking into the core dependencies.
MAX_LIGHT_MIB = 500
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def sh(*command: str | Path, timeout: float = 600, stdout_only: bool = False, cwd: Path | None = None) -> str:
    """Run a command; fail the test with its output if it fails. :return: stdout and stderr (or stdout),
    without colours. The default working directory is not the checkout, so that ``python -c`` sees the
    installed package alone."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    result = subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env=env,
        cwd=cwd or Path(command[0]).parent,
    )
    output = _ANSI.sub("", result.stdout + result.stderr)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{output[-4000:]}"
    return _ANSI.sub("", result.stdout) if stdout_only else output


def size_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip wheel`` of a clean copy of HEAD (``git archive``: no node_modules, no prebuilt sidebar)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", "HEAD"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True, timeout=120)
    assert not (source / "labextension" / "prebuilt").exists()
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", str(source), "-w", tmp / "dist")
    (built,) = (tmp / "dist").glob("sparkwire-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with pandas 2.2.3, then the wheel (its core dependencies only), then JupyterLab."""
    path = tmp_path_factory.mktemp("user") / "venv"
    sh(sys.executable, "-m", "venv", path)
    pip = [path / "bin" / "python", "-m", "pip", "install", "--quiet"]
    sh(*pip, f"pandas=={PANDAS}")
    sh(*pip, wheel)
    light = size_mib(path)
    print(f"\nvenv with pandas {PANDAS} and the sparkwire wheel: {light:.0f} MiB", file=sys.stderr)
    (path / "light-size-mib").write_text(f"{light:.1f}")
    sh(*pip, "jupyterlab>=4.2,<5")
    print(f"... with JupyterLab too: {size_mib(path):.0f} MiB", file=sys.stderr)
    return path


def installed(venv: Path) -> dict[str, str]:
    listing = json.loads(sh(venv / "bin" / "python", "-m", "pip", "list", "--format=json", stdout_only=True))
    return {item["name"].lower(): item["version"] for item in listing}


def test_the_light_install_keeps_pandas_and_brings_no_spark(venv: Path) -> None:
    packages = installed(venv)
    assert packages["pandas"] == PANDAS
    assert packages["sparkwire"] == "0.1.0"
    assert not {"pyspark", "fastapi", "uvicorn", "plotly"} & set(packages)
    assert float((venv / "light-size-mib").read_text()) < MAX_LIGHT_MIB


def test_jupyter_lists_the_sidebar_the_panel_and_the_kernels(venv: Path) -> None:
    jupyter = venv / "bin" / "jupyter"
    labextensions = sh(jupyter, "labextension", "list")
    assert any(
        "sparkwire-labextension" in line and "enabled" in line and "OK" in line
        for line in labextensions.splitlines()
    ), labextensions
    server = sh(jupyter, "server", "extension", "list")
    assert re.search(r"sparkwire\.panel\s+enabled", server) and re.search(r"sparkwire\.panel\s+OK", server), (
        server
    )
    kernels = json.loads(sh(jupyter, "kernelspec", "list", "--json", stdout_only=True))["kernelspecs"]
    for name, display_name, language in (
        ("remote-pyspark", "Remote PySpark", "python"),
        ("remote-spark-scala", "Remote Spark (Scala)", "scala"),
        ("remote-sparkr", "Remote SparkR", "r"),
    ):
        spec = kernels[name]
        assert (spec["spec"]["display_name"], spec["spec"]["language"]) == (display_name, language)
        assert spec["resource_dir"].startswith(str(venv))


def test_the_gateway_command_names_its_extra(venv: Path) -> None:
    result = subprocess.run(
        [venv / "bin" / "sparkwire", "gateway"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=venv,
    )
    assert result.returncode == 2
    assert 'pip install "sparkwire[gateway]"' in result.stderr and "Traceback" not in result.stderr


_RUN_CELL = """
import sys
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name="remote-pyspark")
km.start_kernel(env={"HOME": sys.argv[3], "SPARKWIRE_URL": sys.argv[1], "PATH": "/usr/bin:/bin"}, cwd=sys.argv[3])
kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)
out = []
hook = lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None
try:
    for code in ("%attach " + sys.argv[2], "print(spark.range(8).count())"):
        reply = kc.execute_interactive(code, timeout=180, output_hook=hook)
        assert reply["content"]["status"] == "ok", reply["content"]
finally:
    kc.stop_channels(); km.shutdown_kernel(now=True)
print("".join(out), end="")
"""


def test_the_installed_kernel_runs_a_cell_on_a_gateway_from_another_venv(
    venv: Path, gateway_url: str, pyspark_session: int, tmp_path: Path
) -> None:
    """The kernel of the light venv, started by that venv's jupyter_client, on the suite's gateway (dev venv)."""
    output = sh(
        venv / "bin" / "python",
        "-c",
        _RUN_CELL,
        gateway_url,
        str(pyspark_session),
        tmp_path,
        cwd=tmp_path,
        stdout_only=True,
    )
    assert output.endswith("8\n")
