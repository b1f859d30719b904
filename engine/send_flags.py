"""The options of ``%%send_to_spark``, declared once for both front doors (kernel and magics)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SEND_TO_SPARK_FLAGS", "Flag", "add_flags"]


@dataclass(frozen=True)
class Flag:
    """One option, as ``argparse.ArgumentParser.add_argument`` takes it.

    :param names: the option strings, e.g. ``("-t", "--type")``.
    :param options: the keyword arguments (``help``, ``default``...).
    """

    names: tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=dict)


SEND_TO_SPARK_FLAGS: tuple[Flag, ...] = (
    Flag(("-i", "--input"), {"required": True, "metavar": "VAR", "help": "the local variable to send"}),
    Flag(("-t", "--type"), {"type": str.lower, "choices": ("df", "str"), "default": "df", "metavar": "df|str",
                            "help": "df: a pandas DataFrame, sent as a Spark DataFrame (default); str: a string"}),
    Flag(("-n", "--name"), {"required": True, "metavar": "NAME", "help": "the variable's name in the session"}),
    Flag(("-m", "--maxrows"), {"type": int, "default": -1, "metavar": "MAXROWS",
                               "help": "send at most this many rows of a DataFrame (default -1: all)"}),
)
"""``-i VAR [-t df|str] -n NAME [-m MAXROWS]``; the magics add ``-s NAME`` (their session)."""


def add_flags(add_argument: Callable[..., Any], flags: tuple[Flag, ...]) -> None:
    """Declare ``flags`` with ``add_argument`` (a parser's method, or IPython's ``argument`` decorator
    factory applied in reverse order by the caller).

    :param add_argument: called as ``add_argument(*names, **options)`` for each flag, in order.
    :param flags: the flags.
    """
    for flag in flags:
        add_argument(*flag.names, **flag.options)
