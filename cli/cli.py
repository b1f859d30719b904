"""The ``sparkwire`` command. Each subcommand lives with its package (``<package>/cli.py``)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

__all__ = ["build_parser", "main"]

# Modules providing `register(subparsers)`; each adds one or more subcommands.
SUBCOMMAND_MODULES = [
    "sparkwire.gateway.cli",
    "sparkwire.kernel.cli",
    "sparkwire.batch.cli",
]


def build_parser() -> argparse.ArgumentParser:
    """:return: the full parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="sparkwire",
        description="Run Spark from Jupyter through Apache Livy, or the embedded Livy-compatible gateway.",
        epilog="Run 'sparkwire COMMAND --help' for a command's options.",
    )
    from sparkwire import __version__

    parser.add_argument("--version", action="version", version=f"sparkwire {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sparkwire`` console script.

    :return: the process exit code.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
