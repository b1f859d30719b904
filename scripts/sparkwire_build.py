"""sparkwire's build backend: setuptools, with the JupyterLab extension compiled first.

``pip wheel .``, ``pip install .`` and ``python -m build`` call this module (``pyproject.toml``:
``build-backend``). Before setuptools builds a wheel or an sdist, the TypeScript sidebar in
``labextension/`` is compiled into ``labextension/prebuilt/`` (``npm ci``, ``tsc``, then
``jupyter labextension build``), the step JupyterLab extensions normally get from
hatch-jupyter-builder. The wheel's data files map that folder to
``share/jupyter/labextensions/sparkwire-labextension``, so users never build anything.

The build is skipped when ``prebuilt/`` is newer than every source file: an sdist carries both the
TypeScript sources and the compiled extension, so a wheel built from it needs no Node. Editable
installs (``make setup``) never build it: the Makefile does, and links the result into the venv.
Set ``SPARKWIRE_SKIP_LABEXTENSION=1`` to build a wheel without the sidebar.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import (  # noqa: F401 - the rest of the PEP 517/660 interface, unchanged
    get_requires_for_build_editable,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

ROOT = Path(__file__).resolve().parent.parent
LABEXT = ROOT / "labextension"
PREBUILT = LABEXT / "prebuilt"
# `jupyter labextension build` comes from JupyterLab; only needed when the extension is compiled.
JUPYTERLAB_REQUIREMENT = "jupyterlab>=4.2,<5"
MIN_NODE = (20, 19)
_SOURCES = ("src", "style", "schema", "package.json", "package-lock.json", "tsconfig.json", "install.json")


class LabExtensionBuildError(SystemExit):
    """The sidebar could not be compiled; the message says why and what to do."""


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in _SOURCES:
        path = LABEXT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        newest = max([newest, *(f.stat().st_mtime for f in files)])
    return newest


def labextension_needs_build() -> bool:
    """:return: whether ``labextension/prebuilt`` is missing or older than a source file."""
    if os.environ.get("SPARKWIRE_SKIP_LABEXTENSION") == "1" or not (LABEXT / "package.json").exists():
        return False
    built = PREBUILT / "package.json"
    return not built.exists() or built.stat().st_mtime < _newest_source_mtime()


def _check_node() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise LabExtensionBuildError(
            "Building sparkwire from source compiles its JupyterLab sidebar, which needs Node.js "
            f">= {MIN_NODE[0]}.{MIN_NODE[1]} and npm on PATH; {'node' if node is None else 'npm'} was not "
            "found.\nInstall them (Debian/Ubuntu: sudo apt-get install nodejs npm; or https://nodejs.org), "
            "or install a released wheel (pip install sparkwire), or set SPARKWIRE_SKIP_LABEXTENSION=1 "
            "to build without the sidebar."
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    parts = tuple(int(p) for p in version.lstrip("v").split(".")[:2] if p.isdigit())
    if parts < MIN_NODE:
        raise LabExtensionBuildError(
            f"Node.js {version or '(unknown version)'} is too old to build sparkwire's JupyterLab sidebar: "
            f"it needs >= {MIN_NODE[0]}.{MIN_NODE[1]}."
        )


def _run(*command: str) -> None:
    print(f"sparkwire build: {' '.join(command)}", file=sys.stderr, flush=True)
    result = subprocess.run(command, cwd=LABEXT, check=False)
    if result.returncode != 0:
        raise LabExtensionBuildError(
            f"Building sparkwire's JupyterLab sidebar failed: '{' '.join(command)}' exited with "
            f"{result.returncode} (its output is above)."
        )


def build_labextension() -> None:
    """Compile ``labextension/`` into ``labextension/prebuilt/`` if it is missing or stale.

    :raises LabExtensionBuildError: if Node.js is missing or too old, or a build step fails.
    """
    if not labextension_needs_build():
        return
    _check_node()
    lock = LABEXT / "node_modules" / ".package-lock.json"
    if not lock.exists() or lock.stat().st_mtime < (LABEXT / "package-lock.json").stat().st_mtime:
        _run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
    _run("npm", "run", "--silent", "build:lib")
    _run(sys.executable, "-m", "jupyterlab.labextensions", "build", ".")
    shutil.copy(LABEXT / "install.json", PREBUILT / "install.json")


def _extra_requires() -> list[str]:
    return [JUPYTERLAB_REQUIREMENT] if labextension_needs_build() else []


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    """PEP 517: setuptools' requirements, plus JupyterLab when the sidebar must be compiled."""
    return [*_setuptools.get_requires_for_build_wheel(config_settings), *_extra_requires()]


def get_requires_for_build_sdist(config_settings: dict[str, Any] | None = None) -> list[str]:
    """PEP 517: as for a wheel: the sdist carries the compiled sidebar too."""
    return [*_setuptools.get_requires_for_build_sdist(config_settings), *_extra_requires()]


def build_wheel(
    wheel_directory: str, config_settings: dict[str, Any] | None = None, metadata_directory: str | None = None
) -> str:
    """PEP 517: compile the sidebar if needed, then build the wheel with setuptools."""
    build_labextension()
    return str(_setuptools.build_wheel(wheel_directory, config_settings, metadata_directory))


def build_sdist(sdist_directory: str, config_settings: dict[str, Any] | None = None) -> str:
    """PEP 517: compile the sidebar if needed, then build the sdist (TypeScript sources and the build)."""
    build_labextension()
    return str(_setuptools.build_sdist(sdist_directory, config_settings))


def build_editable(
    wheel_directory: str, config_settings: dict[str, Any] | None = None, metadata_directory: str | None = None
) -> str:
    """PEP 660: setuptools' editable wheel (the Makefile builds and links the sidebar)."""
    with warnings.catch_warnings():
        # setuptools' notice about folders named like the package: our folders *are* the package
        # (package-dir maps each one), which is what the editable finder serves.
        warnings.filterwarnings("ignore", message="Editable installation")
        return str(_setuptools.build_editable(wheel_directory, config_settings, metadata_directory))
