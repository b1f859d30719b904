"""``sparkwire install-kernel``: register the Remote PySpark, Remote Spark (Scala) and Remote SparkR kernels
with Jupyter (the command is :mod:`.install`'s, which ``python -m sparkwire.kernel.install`` runs on its own)."""

from __future__ import annotations

import argparse
from typing import Any

from .install import EPILOG, add_arguments

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``install-kernel`` subcommand.

    :param subparsers: the ``sparkwire`` command's subparsers.
    """
    parser = subparsers.add_parser(
        "install-kernel",
        help="register the Remote PySpark, Scala and SparkR kernels with Jupyter",
        description="Install the 'Remote PySpark', 'Remote Spark (Scala)' and 'Remote SparkR' kernelspecs, "
        "running this Python.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
