"""Queries for sessions that run no Python (sql, Scala, R).

On sparkwire's gateway every session runs in one Python worker, so the transfer's Python helper runs
beside the Scala (or R) code, on the same SparkSession: :func:`variable_as_view` turns a Scala or R
DataFrame variable into a temporary view the helper selects from.

Elsewhere the helper cannot run in a Scala or R session, but Livy's SQL interpreter answers in any
session (Livy ≥ 0.5), with a typed JSON table. So :func:`as_sql` makes a query one ``sql`` statement:

- a DataFrame variable (``%%spark -o df``) is first registered as a temporary view by one statement
  in the session's language, holding nothing but the variable's name (an identifier, back-quoted);
- sampling (``-m sample``) goes through a temporary view of the query and ``TABLESAMPLE``;
- with a view, ``LIMIT max_rows + 1`` keeps the rows sent to those wanted (the extra row says "more").

The view gets a random name and is dropped afterwards. No user text is ever put into Scala or R
source; SQL text stays SQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from sparkwire.engine.errors import EngineError
from sparkwire.engine.execution import ProgressCallback
from sparkwire.livy import LivyClient, LivyError, Output, SessionKind

from .errors import SqlError
from .query import SqlQuery

__all__ = ["Runner", "as_sql", "register_view_code", "variable_as_view"]

Runner = Callable[[LivyClient, int, str, SessionKind, "ProgressCallback | None"], Output]
"""Runs a statement of a kind and returns its output, raising ``QueryFailed`` for a remote error."""


def register_view_code(variable: str, view: str, kind: SessionKind) -> str:
    """The statement registering a DataFrame variable as a temporary view, in the session's language.

    :param variable: the variable (a Python identifier: checked by :class:`SqlQuery`; back-quoted here).
    :param view: the view name (letters, digits and underscores).
    :param kind: ``spark`` (Scala) or ``sparkr``.
    :return: the code.
    """
    if kind is SessionKind.SPARKR:
        return f'createOrReplaceTempView(`{variable}`, "{view}")'
    return f'`{variable}`.createOrReplaceTempView("{view}")'


@contextmanager
def as_sql(
    run: Runner,
    client: LivyClient,
    session_id: int,
    query: SqlQuery,
    kind: SessionKind | None,
    on_progress: ProgressCallback | None,
) -> Iterator[SqlQuery]:
    """The query as SQL alone, with the temporary view it needs created first and dropped after.

    :param run: runs a statement (the transfer's).
    :param client: the session's endpoint client.
    :param session_id: the session.
    :param query: what to fetch.
    :param kind: the session's kind.
    :param on_progress: statement progress callback.
    :return: (yields) the SQL query to run.
    :raises SqlError: for what only a Python session can fetch (a cell's last value; a variable in a
        sql session).
    """
    if query.sql is not None and not query.sampled:
        yield query
        return
    if query.last_value:
        raise SqlError("Showing a cell's last DataFrame needs a pyspark session.")
    if query.variable is not None and kind not in (SessionKind.SPARK, SessionKind.SPARKR):
        raise SqlError(
            "This is a sql session: it runs SQL only. Fetching a DataFrame variable needs a "
            "pyspark, Scala or R session."
        )
    view = "sparkwire_view_" + uuid.uuid4().hex
    if query.variable is not None:
        assert kind is not None
        run(client, session_id, register_view_code(query.variable, view, kind), kind, on_progress)
    else:
        run(
            client,
            session_id,
            f"CREATE OR REPLACE TEMPORARY VIEW {view} AS\n{query.sql}",
            SessionKind.SQL,
            on_progress,
        )
    try:
        select = f"SELECT * FROM {view}"
        if query.sampled:
            select += f" TABLESAMPLE ({query.sample_fraction * 100:.6f} PERCENT)"
        if query.max_rows >= 0:
            select += f" LIMIT {query.max_rows + 1}"
        yield SqlQuery.from_sql(select, max_rows=query.max_rows)
    finally:
        _drop_view(run, client, session_id, view)


def _drop_view(run: Runner, client: LivyClient, session_id: int, view: str) -> None:
    try:
        run(client, session_id, f"DROP VIEW IF EXISTS {view}", SessionKind.SQL, None)
    except (SqlError, EngineError, LivyError):
        pass  # a view left behind is harmless (temporary, random name); the result matters more


@contextmanager
def variable_as_view(
    run: Runner,
    client: LivyClient,
    session_id: int,
    query: SqlQuery,
    kind: SessionKind | None,
    on_progress: ProgressCallback | None,
) -> Iterator[SqlQuery]:
    """The query for the Python helper of a session whose own language is Scala or R: a DataFrame
    variable of that language becomes ``SELECT * FROM`` a temporary view, made first and dropped after;
    SQL stays as it is (sampling and row limits are the helper's, as in a pyspark session).

    :param run: runs a statement (the transfer's).
    :param client: the session's endpoint client.
    :param session_id: the session.
    :param query: what to fetch.
    :param kind: the session's kind (``spark`` or ``sparkr``).
    :param on_progress: statement progress callback.
    :return: (yields) the query the Python helper runs.
    :raises SqlError: for a cell's last value (only a Python cell has one the helper can read).
    """
    if query.last_value:
        raise SqlError("Showing a cell's last DataFrame needs a pyspark session.")
    if query.variable is None or kind not in (SessionKind.SPARK, SessionKind.SPARKR):
        yield query
        return
    view = "sparkwire_view_" + uuid.uuid4().hex
    run(client, session_id, register_view_code(query.variable, view, kind), kind, on_progress)
    try:
        yield replace(query, variable=None, sql=f"SELECT * FROM {view}")
    finally:
        _drop_view(run, client, session_id, view)
