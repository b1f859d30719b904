"""The error a cell shows: one shape for every failure, remote or ours (its own module, so that the
traceback readers of each language can build it without importing each other)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ErrorInfo"]


@dataclass(frozen=True)
class ErrorInfo:
    """A failed statement as Jupyter's ``error`` message carries it.

    :param ename: the exception class name.
    :param evalue: the exception message.
    :param traceback: the traceback, one line per entry (no trailing newlines).
    """

    ename: str
    evalue: str
    traceback: tuple[str, ...] = ()
