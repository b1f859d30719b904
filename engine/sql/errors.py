"""Errors of SQL transfers and ``%%send_to_spark``.

::

    EngineError (sparkwire.engine)
     └── SqlError                 every error below
          ├── QueryFailed         the remote code raised: Spark's message, shown as the cell's error
          ├── NoDataFrame         the cell's last value is not a DataFrame (show its text instead)
          └── TransferFailed      the remote answer could not be read (see the message)

Livy and engine errors (unreachable, session lost, interrupted) pass through unchanged.
"""

from __future__ import annotations

from sparkwire.engine.errors import EngineError
from sparkwire.engine.rendering import ErrorInfo

__all__ = ["NoDataFrame", "QueryFailed", "SqlError", "TransferFailed"]


class SqlError(EngineError):
    """Base class of SQL transfer errors."""


class QueryFailed(SqlError):
    """The remote statement raised: a bad query, a missing table or variable, a failing Spark job.

    :param error: the remote exception as Jupyter shows it (ename, evalue, traceback).
    """

    def __init__(self, error: ErrorInfo) -> None:
        super().__init__(f"{error.ename}: {error.evalue}" if error.evalue else error.ename)
        self.error = error


class NoDataFrame(SqlError):
    """The value the cell displayed is not (or no longer) a Spark DataFrame."""


class TransferFailed(SqlError):
    """The remote answer was not what sparkwire sent for (cut short by a proxy, say)."""
