"""The options of ``%%send_to_spark``, declared once for both front doors (kernel and magics)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["add_send_to_spark_flags"]


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
