"""An in-memory stand-in for LivyClient, for registry and engine cases a real server cannot be made to
produce on demand (a session that never becomes ready, one that dies while starting, hundreds of
sessions to page through) or that would cost a JVM start each."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from sparkwire.livy import (
    LivyTimeout,
    Session,
    SessionList,
    SessionLog,
    SessionNotFound,
    SessionSpec,
    SessionState,
    Statement,
)


@dataclass
class FakeLivy:
    """Sessions become ``idle`` after ``start_polls`` polls (or reach ``start_state`` if it is final)."""

    url: str = "http://fake:8998"
    start_polls: int = 1
    start_state: str = "idle"
    sessions: dict[int, dict[str, Any]] = field(default_factory=dict)
    created: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    polls: dict[int, int] = field(default_factory=dict)
    statements: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False
    _ids: Any = field(default_factory=itertools.count)

    def add_session(self, state: str = "idle", kind: str = "pyspark") -> int:
        session_id = next(self._ids)
        self.sessions[session_id] = {
            "id": session_id,
            "state": state,
            "kind": kind,
            "appInfo": {"sparkUiUrl": f"http://driver-{session_id}:4040"},
            "log": [f"log of {session_id}"],
        }
        return session_id

    def session_url(self, session_id: int | str) -> str:
        return f"{self.url}/sessions/{session_id}"

    def _get(self, session_id: int | str) -> dict[str, Any]:
        try:
            return self.sessions[int(session_id)]
        except KeyError:
            raise SessionNotFound(
                f"Session {session_id} not found.",
                url=self.session_url(session_id),
                session_id=session_id,
                status=404,
            ) from None

    def create_session(self, spec: SessionSpec | None = None, **_: Any) -> Session:
        body = (spec or SessionSpec()).to_json()
        self.created.append(body)
        session_id = self.add_session("starting", str(body.get("kind", "shared")))
        return Session.from_json(self.sessions[session_id])

    def get_session(self, session_id: int | str, **_: Any) -> Session:
        data = self._get(session_id)
        polls = self.polls[int(session_id)] = self.polls.get(int(session_id), 0) + 1
        if data["state"] == "starting" and polls >= self.start_polls:
            data["state"] = self.start_state
        return Session.from_json(data)

    def session_state(self, session_id: int | str, **_: Any) -> SessionState:
        return SessionState(self._get(session_id)["state"])

    def session_log(
        self, session_id: int | str, from_: int | None = None, size: int = 100, **_: Any
    ) -> SessionLog:
        lines = self._get(session_id)["log"]
        return SessionLog.from_json({"id": int(session_id), "from": 0, "total": len(lines), "log": lines})

    def delete_session(self, session_id: int | str, *, missing_ok: bool = False, **_: Any) -> None:
        if int(session_id) not in self.sessions and not missing_ok:
            self._get(session_id)
        self.sessions.pop(int(session_id), None)
        self.deleted.append(int(session_id))

    def list_sessions(self, from_: int = 0, size: int = 100, **_: Any) -> SessionList:
        items = list(self.sessions.values())
        return SessionList.from_json(
            {"from": from_, "total": len(items), "sessions": items[from_ : from_ + size]}
        )

    def extensions(self) -> frozenset[str]:
        return frozenset()  # Apache Livy's API, no more

    def submit_statement(self, session_id: int | str, code: str, kind: Any = None, **_: Any) -> Statement:
        self._get(session_id)
        statement = {
            "id": len(self.statements),
            "state": "available",
            "code": code,
            "progress": 1.0,
            "output": {"status": "ok", "execution_count": 0, "data": {"text/plain": f"ran {code}"}},
        }
        self.statements.append(statement)
        return Statement.from_json(statement)

    def get_statement(self, session_id: int | str, statement_id: int, **_: Any) -> Statement:
        self._get(session_id)
        return Statement.from_json(self.statements[statement_id])

    def complete(self, session_id: int | str, code: str, kind: Any, cursor: int, **_: Any) -> list[str]:
        raise LivyTimeout("no completions today", url=self.url)

    def close(self) -> None:
        self.closed = True
