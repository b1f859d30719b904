"""Install the Remote PySpark kernelspec (``sparkwire install-kernel``, or ``python -m sparkwire.kernel.install``).

The kernelspec files ship in the package (``resources/``); installing copies them with ``argv`` set
to the running interpreter, so the kernel runs in the environment sparkwire is installed in.
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

__all__ = ["DISPLAY_NAME", "KERNEL_NAME", "install_kernel_spec", "kernel_spec"]

KERNEL_NAME = "remote-pyspark"
DISPLAY_NAME = "Remote PySpark"


def kernel_spec(*, python: str | None = None, display_name: str = DISPLAY_NAME) -> dict[str, Any]:
    """The ``kernel.json`` content.

    :param python: the interpreter to run the kernel with; the current one by default.
    :param display_name: the name shown in the launcher.
    :return: the kernelspec JSON.
    """
    template = resources.files("sparkwire.kernel").joinpath("resources", "kernel.json").read_text("utf-8")
    spec: dict[str, Any] = json.loads(template)
    spec["argv"][0] = python or sys.executable
    spec["display_name"] = display_name
    return spec


def install_kernel_spec(
    *,
    user: bool = False,
    prefix: str | None = None,
    kernel_name: str = KERNEL_NAME,
    display_name: str = DISPLAY_NAME,
) -> str:
    """Install the kernelspec (replacing an older one of the same name).

    :param user: install for the current user (``~/.local/share/jupyter/kernels``).
    :param prefix: install under this prefix (``PREFIX/share/jupyter/kernels``); ``sys.prefix`` for
        the current environment.
    :param kernel_name: the kernel's name (``remote-pyspark``).
    :param display_name: the name shown in the launcher.
    :return: the directory the kernelspec was installed to.
    """
    package = resources.files("sparkwire.kernel").joinpath("resources")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp, kernel_name)
        directory.mkdir()
        for item in package.iterdir():
            if item.name.endswith(".png"):
                with resources.as_file(item) as path:
                    shutil.copy(path, directory / item.name)
        spec = kernel_spec(display_name=display_name)
        (directory / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
        os.chmod(directory, 0o755)
        installed: str = KernelSpecManager().install_kernel_spec(
            str(directory), kernel_name, user=user, prefix=prefix)
    return installed


if __name__ == "__main__":
    from .cli import main

    sys.exit(main())
