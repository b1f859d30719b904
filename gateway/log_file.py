"""A session's log: the process's own output plus the gateway's notes, in one file.

Lines are read back with secret Spark conf values masked (keys matching Spark's redaction pattern),
whatever wrote them: spark-submit, the JVM, or the gateway.
"""

from __future__ import annotations

import time
from pathlib import Path

from .secrets_scrub import mask_text

__all__ = ["SessionLogFile"]


class SessionLogFile:
    """Appends gateway notes and reads lines back for ``GET /sessions/{id}/log``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def note(self, message: str) -> None:
        """Append one line from the gateway, marked so users can tell it from Spark's output."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(f"{stamp} sparkwire: {message}\n")

    def lines(self) -> list[str]:
        """:return: every line so far (empty if nothing was written)."""
        try:
            return [mask_text(line) for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines()]
        except FileNotFoundError:
            return []

    def tail(self, count: int) -> list[str]:
        """:return: the last ``count`` lines, reading only the end of the file (sessions are polled often)."""
        try:
            with open(self.path, "rb") as log:
                end = log.seek(0, 2)
                block, data = 8192, b""
                # Read backwards until the chunk holds more line breaks than lines wanted (or the whole file).
                while data.count(b"\n") <= count and len(data) < end:
                    start = max(end - len(data) - block, 0)
                    log.seek(start)
                    data = log.read(end - start)
                    block *= 2
        except FileNotFoundError:
            return []
        lines = data.decode("utf-8", errors="replace").splitlines()[-count:] if count > 0 else []
        return [mask_text(line) for line in lines]

    def page(self, from_: int | None, size: int) -> tuple[int, int, list[str]]:
        """Livy's log paging: ``from`` omitted means the last ``size`` lines; ``size`` < 0 means all.

        :return: (from, total, lines)
        """
        lines = self.lines()
        total = len(lines)
        if size < 0:
            start = 0 if from_ is None else min(from_, total)
            return start, total, lines[start:]
        start = max(total - size, 0) if from_ is None else min(from_, total)
        return start, total, lines[start:start + size]
