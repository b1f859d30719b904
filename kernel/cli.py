"""``sparkwire install-kernel``: register the Remote PySpark kernel with Jupyter."""

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

Without an option it installs for the current user, or system-wide when run as root.
"""


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="install for the current user")
    where.add_argument("--sys-prefix", action="store_true", help=f"install into this environment ({sys.prefix})")
    where.add_argument("--prefix", help="install under PREFIX/share/jupyter/kernels")
    parser.add_argument("--name", default=None, help="kernel name (default remote-pyspark)")
    parser.add_argument("--display-name", default=None, help="name in the launcher (default 'Remote PySpark')")
    parser.set_defaults(handler=_run)


def register(subparsers: Any) -> None:
    """Add the ``install-kernel`` subcommand.

    :param subparsers: the ``sparkwire`` command's subparsers.
    """
    parser = subparsers.add_parser(
        "install-kernel", help="register the Remote PySpark kernel with Jupyter",
        description="Install the 'Remote PySpark' kernelspec, running this Python.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_arguments(parser)


def _is_root() -> bool:
    try:
        return os.geteuid() == 0
    except AttributeError:  # Windows
        return False


def _run(args: argparse.Namespace) -> int:
    from .install import DISPLAY_NAME, KERNEL_NAME, install_kernel_spec

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
    parser = argparse.ArgumentParser(prog="python -m sparkwire.kernel.install", epilog=_EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_arguments(parser)
    args = parser.parse_args(argv)
    return _run(args)
