"""Which Livy kinds the gateway runs, and how a statement's kind is resolved.

``pyspark`` and ``sql`` always run; ``spark`` (Scala) runs where the Spark installation sessions use
ships Spark's Scala REPL (``spark-repl`` in its jars: PySpark's pip package does). ``sparkr`` never runs
here yet; its 400 says what is missing on this machine (R, SparkR) so users know where they stand.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from .errors import BadRequest

__all__ = [
    "ALWAYS_RUNNABLE",
    "resolve_session_kind",
    "resolve_statement_kind",
    "runnable_kinds",
    "spark_home",
]

ALWAYS_RUNNABLE = ("pyspark", "sql")
_ALIASES = {"python": "pyspark", "pyspark3": "pyspark", "scala": "spark", "r": "sparkr"}
_KNOWN = {"pyspark", "sql", "spark", "sparkr", "shared"}


def spark_home() -> Path | None:
    """:return: the Spark installation sessions run: ``SPARK_HOME``, else the installed pyspark package."""
    if os.environ.get("SPARK_HOME"):
        return Path(os.environ["SPARK_HOME"])
    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _scala_missing(home: Path | None) -> str | None:
    """:return: why Scala sessions cannot run, or None when they can."""
    if home is None:
        return "PySpark is not installed"
    if not any((home / "jars").glob("spark-repl_*.jar")):
        return f"Spark's Scala REPL (spark-repl_*.jar) is not in {home / 'jars'}"
    return None


def _sparkr_missing(home: Path | None) -> str:
    """:return: what stops SparkR sessions here."""
    missing = []
    if shutil.which("Rscript") is None:
        missing.append("Rscript not found on PATH")
    if home is None or not (home / "R" / "lib" / "SparkR").is_dir():
        missing.append(
            f"SparkR package not found (looked in {home / 'R' / 'lib' if home else 'SPARK_HOME/R/lib'})"
        )
    if missing:
        return "; ".join(missing)
    return "R and SparkR are installed, but this gateway does not run SparkR sessions yet"


def runnable_kinds() -> list[str]:
    """:return: the session kinds this gateway runs, for ``GET /version`` (``shared``: no kind given)."""
    kinds = [*ALWAYS_RUNNABLE, "shared"]
    if _scala_missing(spark_home()) is None:
        kinds.append("spark")
    return kinds


def _canonical(kind: str) -> str:
    name = _ALIASES.get(kind.strip().lower(), kind.strip().lower())
    if name not in _KNOWN:
        raise BadRequest(
            f"Unknown kind {kind!r}. Use one of: pyspark, spark, sql (or omit kind for a shared session)."
        )
    if name == "spark":
        missing = _scala_missing(spark_home())
        if missing:
            raise BadRequest(
                f"This gateway cannot run 'spark' (Scala) code: {missing}. Install PySpark's full "
                f"jars (pip install pyspark) or point sparkwire at an Apache Livy server."
            )
    if name == "sparkr":
        raise BadRequest(
            f"This gateway does not run 'sparkr' (R) code: {_sparkr_missing(spark_home())}. "
            f"Point sparkwire at an Apache Livy server for SparkR."
        )
    return name


def resolve_session_kind(kind: str | None) -> str:
    """:return: ``pyspark``, ``spark``, ``sql`` or ``shared`` (no kind given).

    :raises BadRequest: for an unknown kind, or one this gateway cannot run.
    """
    return "shared" if kind is None else _canonical(kind)


def resolve_statement_kind(kind: str | None, session_kind: str) -> str:
    """:return: the kind a statement runs as.

    :raises BadRequest: when a shared session's statement names no kind, or the kind is not runnable.
    """
    if kind is None:
        if session_kind == "shared":
            raise BadRequest(
                "This is a shared session: each statement must name its kind (pyspark, spark or sql)."
            )
        return session_kind
    name = _canonical(kind)
    if name == "shared":
        raise BadRequest("A statement's kind must be pyspark, spark or sql, not shared.")
    return name
