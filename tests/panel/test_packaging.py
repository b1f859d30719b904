"""After ``make setup``, Jupyter finds both halves of the panel: the prebuilt lab extension (enabled,
OK) and the server extension (enabled by the shipped jupyter_server_config.d file, OK)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _jupyter(*args: str, tmp_path: Path) -> str:
    # A clean user config dir, so only what the package installs (sys-prefix paths) counts.
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)


def test_lab_extension_is_listed_enabled_and_ok(tmp_path: Path) -> None:
    output = _jupyter("labextension", "list", tmp_path=tmp_path)
    assert re.search(r"sparkwire-labextension v\d+\.\d+\.\d+ enabled OK \(python, sparkwire\)", output), (
        output
    )


def test_server_extension_is_enabled_and_validates(tmp_path: Path) -> None:
    output = _jupyter("server", "extension", "list", tmp_path=tmp_path)
    assert re.search(r"sparkwire\.panel\s+enabled", output), output
    assert re.search(r"sparkwire\.panel\s+OK", output), output


def test_the_wheel_maps_the_built_extension_and_the_server_config() -> None:
    import tomllib

    data_files = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    target = "share/jupyter/labextensions/sparkwire-labextension"
    assert "labextension/prebuilt/*.json" in data_files[target]  # package.json and install.json
    assert data_files["etc/jupyter/jupyter_server_config.d"] == [
        "panel/jupyter-config/server-config/sparkwire.json"
    ]
    enabled = json.loads((REPO / "panel/jupyter-config/server-config/sparkwire.json").read_text())
    assert enabled == {"ServerApp": {"jpserver_extensions": {"sparkwire.panel": True}}}
    built = json.loads((REPO / "labextension/prebuilt/package.json").read_text())
    assert built["name"] == "sparkwire-labextension" and built["jupyterlab"]["_build"]["load"]
