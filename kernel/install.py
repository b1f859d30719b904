"""Install the Remote PySpark kernelspec (``sparkwire install-kernel``, or ``python -m sparkwire.kernel.install``).

The kernelspec files ship in the package (``resources/``); installing copies them with ``argv`` set
to the running interpreter, so the kernel runs in the environment sparkwire is installed in.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["DISPLAY_NAME", "EPILOG", "KERNEL_NAME", "add_arguments", "install_kernel_spec", "kernel_spec", "main",
           "run"]

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
    from jupyter_client.kernelspec import KernelSpecManager  # not for `sparkwire --help`

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


EPILOG = """\
examples:
  sparkwire install-kernel --sys-prefix   # into this (virtual) environment: recommended
  sparkwire install-kernel --user         # for the current user
  sparkwire install-kernel --prefix /opt/jupyter

Without an option it installs for the current user, or system-wide when run as root.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``install-kernel``'s options, and :func:`run` as its handler."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="install for the current user")
    where.add_argument("--sys-prefix", action="store_true", help=f"install into this environment ({sys.prefix})")
    where.add_argument("--prefix", help="install under PREFIX/share/jupyter/kernels")
    parser.add_argument("--name", default=None, help="kernel name (default remote-pyspark)")
    parser.add_argument("--display-name", default=None, help="name in the launcher (default 'Remote PySpark')")
    parser.set_defaults(handler=run)


def _is_root() -> bool:
    try:
        return os.geteuid() == 0
    except AttributeError:  # Windows
        return False


def run(args: argparse.Namespace) -> int:
    """``install-kernel``: install where ``args`` say. :return: the exit code."""
    prefix = sys.prefix if args.sys_prefix else args.prefix
    user = bool(args.user) or (prefix is None and not _is_root())
    try:
        path = install_kernel_spec(user=user, prefix=prefix, kernel_name=args.name or KERNEL_NAME,
                                   display_name=args.display_name or DISPLAY_NAME)
    except OSError as exc:
        print(f"sparkwire install-kernel: cannot write the kernelspec: {exc}. Try --user or --sys-prefix.",
              file=sys.stderr)
        return 1
    print(f"Installed the {args.display_name or DISPLAY_NAME!r} kernel in {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``install-kernel`` on its own (``python -m sparkwire.kernel.install``).

    :param argv: the arguments.
    :return: the exit code.
    """
    parser = argparse.ArgumentParser(prog="python -m sparkwire.kernel.install", epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
