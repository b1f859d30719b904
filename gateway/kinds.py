"""Which Livy kinds the gateway runs, and how a statement's kind is resolved."""

from __future__ import annotations

from .errors import BadRequest

__all__ = ["RUNNABLE_KINDS", "resolve_session_kind", "resolve_statement_kind"]

RUNNABLE_KINDS = frozenset({"pyspark", "sql"})
_ALIASES = {"python": "pyspark", "pyspark3": "pyspark", "scala": "spark", "r": "sparkr"}
_KNOWN = {"pyspark", "sql", "spark", "sparkr", "shared"}


def _canonical(kind: str) -> str:
    name = _ALIASES.get(kind.strip().lower(), kind.strip().lower())
    if name not in _KNOWN:
        raise BadRequest(f"Unknown kind {kind!r}. Use one of: pyspark, sql (or omit kind for a shared session).")
    if name in ("spark", "sparkr"):
        raise BadRequest(f"This gateway does not run {name!r} (Scala/R) code yet; it runs pyspark and sql. "
                         f"Point sparkwire at an Apache Livy server for {name}.")
    return name


def resolve_session_kind(kind: str | None) -> str:
    """:return: ``pyspark``, ``sql`` or ``shared`` (no kind given).

    :raises BadRequest: for an unknown kind, or one this gateway cannot run.
    """
    return "shared" if kind is None else _canonical(kind)


def resolve_statement_kind(kind: str | None, session_kind: str) -> str:
    """:return: the kind a statement runs as.

    :raises BadRequest: when a shared session's statement names no kind, or the kind is not runnable.
    """
    if kind is None:
        if session_kind == "shared":
            raise BadRequest("This is a shared session: each statement must name its kind (pyspark or sql).")
        return session_kind
    name = _canonical(kind)
    if name == "shared":
        raise BadRequest("A statement's kind must be pyspark or sql, not shared.")
    return name
