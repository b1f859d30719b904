"""Install the kernelspecs (``sparkwire install-kernel``, or ``python -m sparkwire.kernel.install``):
"Remote PySpark" (``remote-pyspark``), "Remote Spark (Scala)" (``remote-spark-scala``) and "Remote SparkR"
(``remote-sparkr``), one kernel class whose ``session_language`` the spec sets.

The kernelspec files ship in the package (``resources/``, the Scala and R ones in a folder named after
the kernel); installing copies them with ``argv`` set to the running interpreter, so the kernel runs
in the environment sparkwire is installed in.
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

from sparkwire.engine.languages import LANGUAGES, language_for

__all__ = [
    "DISPLAY_NAME",
    "EPILOG",
    "KERNEL_NAME",
    "KERNEL_NAMES",
    "add_arguments",
    "install_kernel_spec",
    "kernel_spec",
    "main",
    "run",
]

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


def kernel_spec(
    *, python: str | None = None, display_name: str | None = None, language: str = "python"
) -> dict[str, Any]:
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
    from jupyter_client.kernelspec import KernelSpecManager  # not for `sparkwire --help`

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
            str(directory), kernel_name, user=user, prefix=prefix
        )
    return installed


EPILOG = """\
examples:
  sparkwire install-kernel --sys-prefix   # into this (virtual) environment: recommended
  sparkwire install-kernel --user         # for the current user
  sparkwire install-kernel --prefix /opt/jupyter
  sparkwire install-kernel --sys-prefix --language scala   # only "Remote Spark (Scala)"

Without an option it installs all three kernels (Remote PySpark, Remote Spark (Scala), Remote SparkR)
for the current user, or system-wide when run as root.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``install-kernel``'s options, and :func:`run` as its handler."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="install for the current user")
    where.add_argument(
        "--sys-prefix", action="store_true", help=f"install into this environment ({sys.prefix})"
    )
    where.add_argument("--prefix", help="install under PREFIX/share/jupyter/kernels")
    parser.add_argument(
        "--language",
        choices=("python", "scala", "r", "all"),
        default=None,
        help="which kernel: python (Remote PySpark), scala (Remote Spark (Scala)), "
        "r (Remote SparkR), or all (the default; python when --name or --display-name is given)",
    )
    parser.add_argument(
        "--name", default=None, help="kernel name (default remote-pyspark, remote-spark-scala, remote-sparkr)"
    )
    parser.add_argument(
        "--display-name", default=None, help="name in the launcher (default 'Remote PySpark'...)"
    )
    parser.set_defaults(handler=run)


def _is_root() -> bool:
    try:
        return os.geteuid() == 0
    except AttributeError:  # Windows
        return False


def run(args: argparse.Namespace) -> int:
    """``install-kernel``: install the kernels ``args`` name, where they say. :return: the exit code."""
    one_kernel = bool(args.name or args.display_name)
    wanted = args.language or ("python" if one_kernel else "all")
    if wanted == "all" and one_kernel:
        print(
            "sparkwire install-kernel: --name and --display-name name one kernel; use --language python, "
            "scala or r with them.",
            file=sys.stderr,
        )
        return 2
    prefix = sys.prefix if args.sys_prefix else args.prefix
    user = bool(args.user) or (prefix is None and not _is_root())
    for language in LANGUAGES:
        if wanted not in ("all", language.name):
            continue
        display_name = args.display_name or language.display_name
        try:
            path = install_kernel_spec(
                user=user,
                prefix=prefix,
                kernel_name=args.name or language.kernel_name,
                display_name=display_name,
                language=language.name,
            )
        except OSError as exc:
            print(
                f"sparkwire install-kernel: cannot write the kernelspec: {exc}. Try --user or --sys-prefix.",
                file=sys.stderr,
            )
            return 1
        print(f"Installed the {display_name!r} kernel in {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``install-kernel`` on its own (``python -m sparkwire.kernel.install``).

    :param argv: the arguments.
    :return: the exit code.
    """
    parser = argparse.ArgumentParser(
        prog="python -m sparkwire.kernel.install",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
