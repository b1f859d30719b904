"""``sparkwire install-kernel``: register the Remote PySpark, Remote Spark (Scala) and Remote SparkR kernels."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["main", "register"]

_EPILOG = """\
examples:
  sparkwire install-kernel --sys-prefix   # into this (virtual) environment: recommended
  sparkwire install-kernel --user         # for the current user
  sparkwire install-kernel --prefix /opt/jupyter
  sparkwire install-kernel --sys-prefix --language scala   # only "Remote Spark (Scala)"

Without an option it installs all three kernels (Remote PySpark, Remote Spark (Scala), Remote SparkR)
for the current user, or system-wide when run as root.
"""


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="install for the current user")
    where.add_argument("--sys-prefix", action="store_true", help=f"install into this environment ({sys.prefix})")
    where.add_argument("--prefix", help="install under PREFIX/share/jupyter/kernels")
    parser.add_argument("--language", choices=("python", "scala", "r", "all"), default=None,
                        help="which kernel: python (Remote PySpark), scala (Remote Spark (Scala)), "
                             "r (Remote SparkR), or all (the default; python when --name or --display-name is given)")
    parser.add_argument("--name", default=None, help="kernel name (default remote-pyspark, remote-spark-scala, "
                                                     "remote-sparkr)")
    parser.add_argument("--display-name", default=None, help="name in the launcher (default 'Remote PySpark'...)")
    parser.set_defaults(handler=_run)


def register(subparsers: Any) -> None:
    """Add the ``install-kernel`` subcommand.

    :param subparsers: the ``sparkwire`` command's subparsers.
    """
    parser = subparsers.add_parser(
        "install-kernel", help="register the Remote PySpark, Scala and SparkR kernels with Jupyter",
        description="Install the 'Remote PySpark', 'Remote Spark (Scala)' and 'Remote SparkR' kernelspecs, "
                    "running this Python.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_arguments(parser)


def _is_root() -> bool:
    try:
        return os.geteuid() == 0
    except AttributeError:  # Windows
        return False


def _run(args: argparse.Namespace) -> int:
    from sparkwire.engine.languages import LANGUAGES

    from .install import install_kernel_spec

    one_kernel = bool(args.name or args.display_name)
    wanted = args.language or ("python" if one_kernel else "all")
    if wanted == "all" and one_kernel:
        print("sparkwire install-kernel: --name and --display-name name one kernel; use --language python, "
              "scala or r with them.", file=sys.stderr)
        return 2
    prefix = sys.prefix if args.sys_prefix else args.prefix
    user = bool(args.user) or (prefix is None and not _is_root())
    for language in LANGUAGES:
        if wanted not in ("all", language.name):
            continue
        display_name = args.display_name or language.display_name
        try:
            path = install_kernel_spec(user=user, prefix=prefix, kernel_name=args.name or language.kernel_name,
                                       display_name=display_name, language=language.name)
        except OSError as exc:
            print(f"sparkwire install-kernel: cannot write the kernelspec: {exc}. Try --user or --sys-prefix.",
                  file=sys.stderr)
            return 1
        print(f"Installed the {display_name!r} kernel in {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``install-kernel`` on its own (``python -m sparkwire.kernel.install``).

    :param argv: the arguments.
    :return: the exit code.
    """
    parser = argparse.ArgumentParser(prog="python -m sparkwire.kernel.install", epilog=_EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_arguments(parser)
    args = parser.parse_args(argv)
    return _run(args)
