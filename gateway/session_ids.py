"""Session ids that are never reused on one work dir, not even after the state store is lost.

A client that kept ``/sessions/2`` must never reach a *different* session 2 after a restart. The next
id is one above the highest of three witnesses, so losing any two still leaves one:

- the high-water mark file ``<work_dir>/sessions/next_id``, written before an id is handed out;
- the session folders ``<work_dir>/sessions/<id>/``, made when a session starts;
- the state store (when recovery is on).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SessionIds"]


class SessionIds:
    """Hands out session ids for one work dir.

    :param sessions_dir: ``<work_dir>/sessions``.
    :param stored_max: the highest id the state store knows, or -1.
    """

    def __init__(self, sessions_dir: Path, stored_max: int = -1) -> None:
        self._dir = sessions_dir
        self._mark = sessions_dir / "next_id"
        self._next = max(self._read_mark(), self._highest_folder() + 1, stored_max + 1)

    def _read_mark(self) -> int:
        try:
            return int(self._mark.read_text().strip())
        except (OSError, ValueError):
            return 0

    def _highest_folder(self) -> int:
        try:
            return max(
                (int(p.name) for p in self._dir.iterdir() if p.is_dir() and p.name.isdigit()), default=-1
            )
        except OSError:
            return -1

    def take(self) -> int:
        """:return: a fresh id; the mark is on disk before the id is used anywhere."""
        session_id = self._next
        self._next += 1
        self._dir.mkdir(parents=True, exist_ok=True)
        temporary = self._mark.with_suffix(".tmp")
        temporary.write_text(f"{self._next}\n")
        os.replace(temporary, self._mark)
        return session_id
