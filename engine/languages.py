"""The languages a session runs, in one place: what each front door needs to know about a session kind.

The kernels (Remote PySpark, Remote Spark (Scala), Remote SparkR) and the ``%spark -l LANG`` magics
ask this module which Livy kind a language is, which kind a statement names, whether the SQL
transfer may send Python, and how Jupyter should highlight the language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sparkwire.livy import SessionKind

__all__ = [
    "LANGUAGES",
    "Language",
    "completion_kind",
    "language_for",
    "runs_python",
    "sql_transfer_kind",
    "statement_kind",
]


@dataclass(frozen=True)
class Language:
    """A language a kernel runs its cells in.

    :param name: the kernel's language (``python``, ``scala``, ``r``); also its ``--language`` value.
    :param kind: the Livy session kind its sessions start with.
    :param kernel_name: the kernelspec directory name.
    :param display_name: the name in Jupyter's launcher.
    :param mimetype: ``language_info.mimetype``.
    :param file_extension: ``language_info.file_extension`` (with the dot).
    :param codemirror_mode: ``language_info.codemirror_mode``: JupyterLab's editor highlighting.
    :param pygments_lexer: ``language_info.pygments_lexer``: nbconvert's highlighting.
    :param version: ``language_info.version`` (the language line Spark ships with).
    """

    name: str
    kind: SessionKind
    kernel_name: str
    display_name: str
    mimetype: str
    file_extension: str
    codemirror_mode: str
    pygments_lexer: str
    version: str

    def language_info(self) -> dict[str, object]:
        """:return: the kernel_info reply's ``language_info`` for this language."""
        return {
            "name": self.name,
            "version": self.version,
            "mimetype": self.mimetype,
            "file_extension": self.file_extension,
            "codemirror_mode": self.codemirror_mode,
            "pygments_lexer": self.pygments_lexer,
        }


LANGUAGES: Final = (
    Language(
        "python",
        SessionKind.PYSPARK,
        "remote-pyspark",
        "Remote PySpark",
        "text/x-python",
        ".py",
        "python",
        "python3",
        "3",
    ),
    Language(
        "scala",
        SessionKind.SPARK,
        "remote-spark-scala",
        "Remote Spark (Scala)",
        "text/x-scala",
        ".scala",
        "text/x-scala",
        "scala",
        "2.13",
    ),
    Language(
        "r",
        SessionKind.SPARKR,
        "remote-sparkr",
        "Remote SparkR",
        "text/x-rsrc",
        ".r",
        "text/x-rsrc",
        "r",
        "4",
    ),
)
"""The kernels' languages, Python first (the default)."""

_ALIASES: Final = {"python3": "python", "pyspark": "python", "spark": "scala", "sparkr": "r"}


def language_for(name: str | None) -> Language:
    """The language named by a kernel's ``--language`` (or a Livy kind name).

    :param name: ``python``, ``scala`` or ``r`` (``pyspark``, ``spark``, ``sparkr`` too), any case;
        ``None`` for python.
    :return: the language.
    :raises ValueError: for another name.
    """
    wanted = _ALIASES.get((name or "python").strip().lower(), (name or "python").strip().lower())
    for language in LANGUAGES:
        if language.name == wanted:
            return language
    raise ValueError(f"unknown kernel language {name!r}; use python, scala or r")


def statement_kind(session_kind: SessionKind | None) -> SessionKind | None:
    """The kind a cell's statement names: Python in a shared (kind-less) session, else the session's own.

    :param session_kind: the session's kind (``None``: not known, treated as shared).
    :return: the statement kind, or ``None`` to let the session decide.
    """
    return SessionKind.PYSPARK if session_kind in (None, SessionKind.SHARED) else None


def runs_python(session_kind: SessionKind | None, statement: SessionKind | str | None = None) -> bool:
    """Whether a statement runs Python: the helper code of the SQL transfer and of ``show_dataframe`` may be sent.

    :param session_kind: the session's kind (``None``: shared, whose statements default to Python here).
    :param statement: the statement's own kind, if it names one.
    :return: True for pyspark.
    """
    if statement is not None:
        return SessionKind.parse(getattr(statement, "value", statement)) is SessionKind.PYSPARK
    return session_kind in (None, SessionKind.PYSPARK, SessionKind.SHARED)


def sql_transfer_kind(session_kind: SessionKind | None) -> bool:
    """Whether a session runs no Python of its own, so the SQL transfer cannot simply send its Python
    helper: sql, Scala and R sessions. The transfer then sends it as ``pyspark``-kind statements where
    the server runs Python beside every kind (sparkwire's gateway), and elsewhere runs its queries as
    ``sql``-kind statements (Livy's SQL interpreter; Livy ≥ 0.5 runs them in a session of any kind).

    :param session_kind: the session's kind.
    :return: True for sql, spark and sparkr sessions.
    """
    return session_kind in (SessionKind.SQL, SessionKind.SPARK, SessionKind.SPARKR)


def completion_kind(
    session_kind: SessionKind | None, statement: SessionKind | str | None = None
) -> SessionKind:
    """The ``kind`` of a ``/completion`` request: the statement's, else the session's, Python for shared.

    :param session_kind: the session's kind.
    :param statement: the language being edited, if known.
    :return: the kind.
    """
    if statement is not None:
        parsed = SessionKind.parse(getattr(statement, "value", statement))
        if parsed is not None and parsed is not SessionKind.SHARED:
            return parsed
    if session_kind in (None, SessionKind.SHARED):
        return SessionKind.PYSPARK
    return session_kind
