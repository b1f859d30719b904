"""Fixtures for the SQL transfer tests: a client of the run's real gateway, and one session per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sparkwire.livy import LivyClient, SessionKind, SessionSpec, run_statement, wait_for_session

# Literals in the tests' queries are read in this zone, and timestamps come back in it.
SESSION_ZONE = "America/New_York"


@pytest.fixture(scope="module")
def client(gateway_url: str) -> Iterator[LivyClient]:
    """A Livy client of the test gateway, closed after the module."""
    with LivyClient(gateway_url, timeout=60) as livy:
        yield livy


def _session(client: LivyClient, kind: SessionKind, name: str) -> Iterator[int]:
    session = client.create_session(SessionSpec(kind=kind, name=name))
    try:
        wait_for_session(client, session.id, timeout=180)
        yield session.id
    finally:
        client.delete_session(session.id, missing_ok=True)


@pytest.fixture(scope="module")
def pyspark_id(client: LivyClient, request: pytest.FixtureRequest) -> Iterator[int]:
    """One pyspark session for the module (each costs a JVM), its time zone set to SESSION_ZONE."""
    for session_id in _session(
        client, SessionKind.PYSPARK, f"sql-{request.module.__name__.rsplit('.', 1)[-1]}"
    ):
        run_statement(
            client,
            session_id,
            f"spark.conf.set('spark.sql.session.timeZone', '{SESSION_ZONE}')",
            raise_on_error=True,
        )
        yield session_id


@pytest.fixture(scope="module")
def sql_id(client: LivyClient) -> Iterator[int]:
    """One sql-kind session for the module, its time zone set to SESSION_ZONE."""
    for session_id in _session(client, SessionKind.SQL, "sql-kind-tests"):
        run_statement(
            client, session_id, f"SET spark.sql.session.timeZone={SESSION_ZONE}", raise_on_error=True
        )
        yield session_id
