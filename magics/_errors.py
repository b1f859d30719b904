"""The exception a ``%%spark`` cell raises when its code failed remotely or sparkwire could not run it.

IPython shows an exception through its ``_render_traceback_`` method when it has one (ipyparallel's
remote errors use the same hook), so the user sees the *remote* traceback, or sparkwire's one-message
explanation, and never the frames of the magics themselves. Raising (rather than printing) makes the
cell fail, so "Run all", nbclient and papermill stop there.

Each error is an instance of a subclass of :class:`SparkError` named after the remote exception
(``ZeroDivisionError``, ``AnalysisException``, ``SessionLost``...), because Jupyter reports the class
name as the error's ``ename``: the magics then report the same ``ename`` as the Remote PySpark kernel.
``except SparkError`` catches them all.
"""

from __future__ import annotations

import keyword
from collections.abc import Sequence

from sparkwire.engine import ErrorInfo, ErrorReport, report_to_error

__all__ = ["SparkError", "spark_error", "spark_error_from_report"]


class SparkError(Exception):
    """A cell's remote exception, or a failure to run it, as the user sees it.

    :param ename: the exception's name (remote class name, or e.g. ``"EndpointUnreachable"``).
    :param evalue: its message.
    :param traceback: the lines to show (the remote traceback, or the explanation's lines).
    """

    def __init__(self, ename: str, evalue: str, traceback: Sequence[str] = ()) -> None:
        super().__init__(evalue)
        self.ename = ename
        self.evalue = evalue
        self.remote_traceback = tuple(traceback)

    def __str__(self) -> str:
        return self.evalue

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a Python traceback of this process.

        :return: the traceback lines.
        """
        if self.remote_traceback:
            return list(self.remote_traceback)
        return [f"{self.ename}: {self.evalue}" if self.evalue else self.ename]


def _class_name(ename: str) -> str:
    # Remote names may be qualified (py4j.protocol.Py4JJavaError) or not identifiers at all.
    name = ename.rsplit(".", 1)[-1]
    return name if name.isidentifier() and not keyword.iskeyword(name) else "SparkError"


def spark_error(info: ErrorInfo) -> SparkError:
    """Build the exception for an error, as a :class:`SparkError` subclass named after ``info.ename``.

    :param info: the error (remote exception, or an engine failure through ``report_to_error``).
    :return: the exception to raise.
    """
    name = _class_name(info.ename)
    cls: type[SparkError] = (
        SparkError if name == "SparkError" else type(name, (SparkError,), {"__module__": "sparkwire.magics"})
    )
    return cls(info.ename, info.evalue, info.traceback)


def spark_error_from_report(report: ErrorReport) -> SparkError:
    """Build the exception for a failure described by :func:`sparkwire.engine.describe_error`.

    :param report: the failure.
    :return: the exception to raise; its traceback is the message, without a Python stack.
    """
    return spark_error(report_to_error(report))
