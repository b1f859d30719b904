"""What the engine's DataFrame calls return: :class:`SqlResult` (``%%sql``, ``-o``, a DataFrame last
expression) and :class:`SendOutcome` (``%%send_to_spark``).

Like :class:`~.core.CellResult` they carry failures instead of raising them, in one ``error``: Spark's
(the query failed remotely: its class and message, without the helper's frames), or ours as one
message (unreachable endpoint, lost session, interrupt, unreadable answer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .rendering import ErrorInfo
from .tracebacks import format_error

if TYPE_CHECKING:
    import pandas as pd

    from .sql.send import SendResult
    from .sql.transfer import QueryResult

__all__ = ["SendOutcome", "SqlResult", "spark_message"]


def spark_message(error: ErrorInfo) -> ErrorInfo:
    """A remote failure of a query as the user should see it: Spark's class and message only.

    The remote traceback of a query runs through sparkwire's helper and PySpark's internals, none of
    which is the user's code.

    :param error: the remote error.
    :return: the same error, its traceback the message's lines (without a JVM stack or logical plan),
        then Spark's error class and SQL position when the message names them.
    """
    return format_error(error.ename, error.evalue)


@dataclass(frozen=True)
class SqlResult:
    """The outcome of :meth:`~.core.Engine.sql` and :meth:`~.core.Engine.dataframe_of_last_expression`.

    :param result: the fetched rows and schema, or ``None`` (failed, or no DataFrame to fetch).
    :param bundle: the MIME bundle showing it (typed HTML table, text, chart view where widgets render).
    :param error: the query's remote failure (Spark's message), or what went wrong here.
    """

    result: QueryResult | None = None
    bundle: Mapping[str, Any] | None = None
    error: ErrorInfo | None = None

    @property
    def ok(self) -> bool:
        """Whether nothing failed."""
        return self.error is None

    @property
    def frame(self) -> pd.DataFrame | None:
        """The pandas DataFrame, dtypes from the Spark schema."""
        return None if self.result is None else self.result.frame

    @property
    def notice(self) -> str | None:
        """The truncation notice (``"Showing 1,000 of more than 1,000 rows ..."``), or ``None``."""
        return None if self.result is None else self.result.notice


@dataclass(frozen=True)
class SendOutcome:
    """The outcome of :meth:`~.core.Engine.send_to_spark`.

    :param sent: what was sent, or ``None`` on failure.
    :param error: the remote failure (Spark's message), or what went wrong here.
    """

    sent: SendResult | None = None
    error: ErrorInfo | None = None

    @property
    def ok(self) -> bool:
        """Whether the value arrived."""
        return self.error is None

    def summary(self) -> str:
        """One line saying what arrived, e.g. ``Sent 3 rows x 2 columns to df (arrow).``"""
        sent = self.sent
        if sent is None:
            return ""
        if sent.kind == "str":
            return f"Sent a string to {sent.name}."
        notes = "".join(" " + note for note in sent.notes)
        rows = sent.rows or 0
        return (
            f"Sent {rows:,} row{'' if rows == 1 else 's'} x {len(sent.fields)} columns to {sent.name} "
            f"(a Spark DataFrame).{notes}"
        )
