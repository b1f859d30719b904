"""Install the kernelspecs (``sparkwire install-kernel``, or ``python -m sparkwire.kernel.install``):
"Remote PySpark" (``remote-pyspark``), "Remote Spark (Scala)" (``remote-spark-scala``) and "Remote SparkR"
(``remote-sparkr``), one kernel class whose ``session_language`` the spec sets.

The kernelspec files ship in the package (``resources/``, the Scala and R ones in a folder named after
the kernel); installing copies them with ``argv`` set to the running interpreter, so the kernel runs
in the environment sparkwire is installed in.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager
from sparkwire.engine.languages import LANGUAGES, language_for

__all__ = ["DISPLAY_NAME", "KERNEL_NAME", "KERNEL_NAMES", "install_kernel_spec", "kernel_spec"]

KERNEL_NAME = "remote-pyspark"
DISPLAY_NAME = "Remote PySpark"
KERNEL_NAMES = tuple(language.kernel_name for language in LANGUAGES)
"""Every kernel sparkwire ships: ``remote-pyspark``, ``remote-spark-scala``, ``remote-sparkr``."""


def _template(language: str) -> str:
    chosen = language_for(language)
    files = resources.files("sparkwire.kernel").joinpath("resources")
    if chosen.kernel_name != KERNEL_NAME:
        files = files.joinpath(chosen.kernel_name)
    return files.joinpath("kernel.json").read_text("utf-8")


def kernel_spec(*, python: str | None = None, display_name: str | None = None,
                language: str = "python") -> dict[str, Any]:
    """The ``kernel.json`` content.

    :param python: the interpreter to run the kernel with; the current one by default.
    :param display_name: the name shown in the launcher; the language's kernel's by default.
    :param language: ``python``, ``scala`` or ``r``.
    :return: the kernelspec JSON.
    :raises ValueError: for another language.
    """
    spec: dict[str, Any] = json.loads(_template(language))
    spec["argv"][0] = python or sys.executable
    if display_name is not None:
        spec["display_name"] = display_name
    return spec


def install_kernel_spec(
    *,
    user: bool = False,
    prefix: str | None = None,
    kernel_name: str | None = None,
    display_name: str | None = None,
    language: str = "python",
) -> str:
    """Install a kernelspec (replacing an older one of the same name).

    :param user: install for the current user (``~/.local/share/jupyter/kernels``).
    :param prefix: install under this prefix (``PREFIX/share/jupyter/kernels``); ``sys.prefix`` for
        the current environment.
    :param kernel_name: the kernel's name; the language's (``remote-pyspark``...) by default.
    :param display_name: the name shown in the launcher; the language's kernel's by default.
    :param language: ``python``, ``scala`` or ``r``.
    :return: the directory the kernelspec was installed to.
    :raises ValueError: for another language.
    """
    kernel_name = kernel_name or language_for(language).kernel_name
    package = resources.files("sparkwire.kernel").joinpath("resources")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp, kernel_name)
        directory.mkdir()
        for item in package.iterdir():
            if item.name.endswith(".png"):
                with resources.as_file(item) as path:
                    shutil.copy(path, directory / item.name)
        spec = kernel_spec(display_name=display_name, language=language)
        (directory / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
        os.chmod(directory, 0o755)
        installed: str = KernelSpecManager().install_kernel_spec(
            str(directory), kernel_name, user=user, prefix=prefix)
    return installed


if __name__ == "__main__":
    from .cli import main

    sys.exit(main())
