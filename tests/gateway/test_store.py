"""The state store (SQLite) and session ids, on real files in a temporary work dir."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from sparkwire.gateway.session import SessionInfo, StatementRecord
from sparkwire.gateway.session_ids import SessionIds
from sparkwire.gateway.store import SessionStore

INFO = SessionInfo(
    id=3,
    name="etl",
    kind="pyspark",
    owner=None,
    proxy_user=None,
    heartbeat_timeout=None,
    idle_timeout=60.0,
    ttl=None,
)


def test_sessions_and_statements_survive_closing_the_store(tmp_path: Path) -> None:
    path = tmp_path / "gateway.sqlite3"
    store = SessionStore(path)
    store.save_session(3, INFO, "busy", "local-1", None, 4242)
    done = StatementRecord(
        id=0,
        code="1 + 1",
        kind="pyspark",
        state="available",
        output={"status": "ok", "execution_count": 0, "data": {"text/plain": "2"}},
    )
    store.save_statement(3, done.stored())
    store.save_statement(
        3, StatementRecord(id=1, code="big()", kind="pyspark", state="available", spilled=True).stored()
    )
    store.save_statement(3, StatementRecord(id=2, code="slow()", kind="pyspark", state="running").stored())
    assert stat.S_IMODE(path.with_name("gateway.sqlite3-wal").stat().st_mode) == 0o600
    store.close()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    (loaded,) = SessionStore(path).load_sessions()
    assert (loaded.id, loaded.state, loaded.app_id, loaded.pid) == (3, "busy", "local-1", 4242)
    assert SessionInfo(**loaded.info) == INFO
    assert [(s.id, s.state, s.spilled) for s in loaded.statements] == [
        (0, "available", False),
        (1, "available", True),
        (2, "running", False),
    ]
    assert loaded.statements[0].output == done.output and loaded.statements[1].output is None


def test_a_deleted_session_takes_its_statements_along(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "gateway.sqlite3")
    store.save_session(3, INFO, "idle", None, None, None)
    store.save_statement(3, StatementRecord(id=0, code="x", kind="pyspark").stored())
    store.delete_session(3)
    assert store.load_sessions() == [] and store.max_session_id() == -1


def test_a_disabled_store_writes_nothing(tmp_path: Path) -> None:
    store = SessionStore(None)
    store.save_session(3, INFO, "idle", None, None, None)
    assert not store.enabled and store.load_sessions() == [] and list(tmp_path.iterdir()) == []


def test_ids_continue_above_every_witness_and_are_never_reused(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    ids = SessionIds(sessions)
    assert [ids.take(), ids.take()] == [0, 1]
    assert SessionIds(sessions).take() == 2  # the mark file alone
    (sessions / "next_id").unlink()
    (sessions / "7").mkdir()
    assert SessionIds(sessions).take() == 8  # the folders alone
    (sessions / "next_id").unlink()
    assert SessionIds(sessions, stored_max=20).take() == 21  # the store alone
