"""The gateway's state store: sessions and their statements in SQLite, so a restart loses nothing.

One file, ``<work_dir>/gateway.sqlite3``, in WAL mode (readers never wait for the writer, and a
crash mid-write leaves the last committed state). Every change is committed at once: the store is
written only on state changes, never per poll, so this costs a few hundred microseconds each.

With recovery off the store is disabled: every method is a no-op and nothing is written.

Large statement outputs are not kept here: the session process spills them to files (see
:mod:`.outputs`) and the row only says so.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

__all__ = ["SessionStore", "StoredSession", "StoredStatement"]

log = logging.getLogger("sparkwire.gateway")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    info TEXT NOT NULL,
    state TEXT NOT NULL,
    app_id TEXT,
    spark_ui_url TEXT,
    pid INTEGER
);
CREATE TABLE IF NOT EXISTS statements (
    session_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    output TEXT,
    spilled INTEGER NOT NULL DEFAULT 0,
    started INTEGER NOT NULL DEFAULT 0,
    completed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, id)
);
"""


@dataclass(frozen=True)
class StoredStatement:
    """A statement row.

    :param output: Livy's output object, or None while running or when ``spilled``.
    :param spilled: the output is in a file (see :mod:`.outputs`), not in the row.
    """

    id: int
    code: str
    kind: str
    state: str
    output: dict[str, Any] | None
    spilled: bool
    started: int
    completed: int


@dataclass(frozen=True)
class StoredSession:
    """A session row with its statements (oldest first).

    :param info: the session's creation facts as JSON-ready values (``SessionInfo`` fields).
    """

    id: int
    info: dict[str, Any]
    state: str
    app_id: str | None
    spark_ui_url: str | None
    pid: int | None
    statements: list[StoredStatement]


class SessionStore:
    """Reads and writes session state; a disabled store (``path=None``) does nothing.

    :param path: the SQLite file, or None when recovery is off.
    """

    def __init__(self, path: Path | None) -> None:
        self._db: sqlite3.Connection | None = None
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Statements hold users' code and results: 0600 from birth; SQLite gives its -wal and -shm
        # files the database file's mode.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        path.chmod(0o600)
        self._db = sqlite3.connect(path, isolation_level=None)  # autocommit: each write is durable at once
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a process crash
        self._db.executescript(_SCHEMA)

    @property
    def enabled(self) -> bool:
        """:return: True when state is persisted (recovery on)."""
        return self._db is not None

    def close(self) -> None:
        """Close the file; later calls do nothing."""
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- sessions ------------------------------------------------------------------------------
    def save_session(
        self,
        session_id: int,
        info: Any,
        state: str,
        app_id: str | None,
        spark_ui_url: str | None,
        pid: int | None,
    ) -> None:
        """Insert or update a session row; ``info`` is a dataclass (``SessionInfo``)."""
        if self._db is None:
            return
        self._db.execute(
            "INSERT INTO sessions (id, info, state, app_id, spark_ui_url, pid) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET state=excluded.state, app_id=excluded.app_id, "
            "spark_ui_url=excluded.spark_ui_url, pid=excluded.pid",
            (session_id, json.dumps(asdict(info)), state, app_id, spark_ui_url, pid),
        )

    def delete_session(self, session_id: int) -> None:
        """Forget a session and its statements."""
        if self._db is None:
            return
        self._db.execute("DELETE FROM statements WHERE session_id = ?", (session_id,))
        self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def max_session_id(self) -> int:
        """:return: the highest session id stored, or -1."""
        if self._db is None:
            return -1
        row = self._db.execute("SELECT MAX(id) FROM sessions").fetchone()
        return -1 if row[0] is None else int(row[0])

    def load_sessions(self) -> list[StoredSession]:
        """:return: every stored session with its statements, by id; unreadable rows are skipped."""
        if self._db is None:
            return []
        sessions = []
        for sid, info, state, app_id, ui, pid in self._db.execute(
            "SELECT id, info, state, app_id, spark_ui_url, pid FROM sessions ORDER BY id"
        ):
            try:
                sessions.append(
                    StoredSession(
                        int(sid), json.loads(info), state, app_id, ui, pid, self._load_statements(int(sid))
                    )
                )
            except (ValueError, TypeError) as exc:
                log.warning("skipping unreadable stored session %s: %s", sid, exc)
        return sessions

    # -- statements ----------------------------------------------------------------------------
    def save_statement(self, session_id: int, statement: StoredStatement) -> None:
        """Insert or update a statement row."""
        if self._db is None:
            return
        values = asdict(statement)
        values["output"] = None if statement.output is None else json.dumps(statement.output)
        values["spilled"] = int(statement.spilled)
        names = [f.name for f in fields(StoredStatement)]
        self._db.execute(
            f"INSERT OR REPLACE INTO statements (session_id, {', '.join(names)}) "
            f"VALUES (?, {', '.join('?' for _ in names)})",
            (session_id, *(values[n] for n in names)),
        )

    def delete_statement(self, session_id: int, statement_id: int) -> None:
        """Forget one statement (older statements are dropped past ``statements_kept``)."""
        if self._db is None:
            return
        self._db.execute("DELETE FROM statements WHERE session_id = ? AND id = ?", (session_id, statement_id))

    def _load_statements(self, session_id: int) -> list[StoredStatement]:
        assert self._db is not None
        rows = self._db.execute(
            "SELECT id, code, kind, state, output, spilled, started, completed FROM statements "
            "WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [
            StoredStatement(
                int(i),
                code,
                kind,
                state,
                None if out is None else json.loads(out),
                bool(spilled),
                int(started),
                int(completed),
            )
            for i, code, kind, state, out, spilled, started, completed in rows
        ]
