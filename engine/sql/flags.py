"""The flags both front doors (kernel and magics) share, declared once with one help text each.

- :func:`add_fetch_flags`: how many rows a result brings back (``%%sql``, ``%%spark -o``, ``-c sql``).
- :func:`add_send_to_spark_flags`: ``%%send_to_spark``'s flags.

Each takes ``add_argument`` (an :class:`argparse.ArgumentParser`'s, or one that collects IPython's
``@argument`` decorators), so the kernel's parsers and the magics' ``%spark?`` help come from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .query import DEFAULT_MAX_ROWS, DEFAULT_SAMPLE_FRACTION

__all__ = ["add_fetch_flags", "add_send_to_spark_flags"]


def add_fetch_flags(add_argument: Callable[..., Any]) -> None:
    """Declare ``[-n MAXROWS] [-m take|sample] [-r FRACTION]``.

    A flag not given is ``None``: each front door applies its default (the magics' are configurable).

    :param add_argument: ``argparse.ArgumentParser.add_argument``, or anything taking its arguments.
    """
    add_argument(
        "-n",
        "--maxrows",
        type=int,
        metavar="MAXROWS",
        help=f"fetch at most this many rows (default {DEFAULT_MAX_ROWS:,}; -1: all)",
    )
    add_argument(
        "-m",
        "--samplemethod",
        type=str.lower,
        choices=("take", "sample"),
        metavar="take|sample",
        help="take the first MAXROWS rows (default), or sample FRACTION of the rows first",
    )
    add_argument(
        "-r",
        "--samplefraction",
        type=float,
        metavar="FRACTION",
        help=f"the fraction -m sample keeps, in (0, 1] (default {DEFAULT_SAMPLE_FRACTION})",
    )


def add_send_to_spark_flags(add_argument: Callable[..., Any]) -> None:
    """Declare ``-i VAR [-t df|str] -n NAME [-m MAXROWS]`` (the magics add ``-s NAME``).

    :param add_argument: ``argparse.ArgumentParser.add_argument``, or anything taking its arguments.
    """
    add_argument("-i", "--input", required=True, metavar="VAR", help="the local variable to send")
    add_argument(
        "-t",
        "--type",
        type=str.lower,
        choices=("df", "str"),
        default="df",
        metavar="df|str",
        help="df: a pandas DataFrame, sent as a Spark DataFrame (default); str: a string",
    )
    add_argument("-n", "--name", required=True, metavar="NAME", help="the variable's name in the session")
    add_argument(
        "-m",
        "--maxrows",
        type=int,
        default=-1,
        metavar="MAXROWS",
        help="send at most this many rows of a DataFrame (default -1: all)",
    )
