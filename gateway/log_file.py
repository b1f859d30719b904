"""A session's log: the process's own output plus the gateway's notes, in one file.

Lines are read back with secret Spark conf values masked (keys matching Spark's redaction pattern),
whatever wrote them: spark-submit, the JVM, or the gateway.
"""

from __future__ import annotations

import threading
import time
from array import array
from pathlib import Path
from typing import BinaryIO

from .secrets_scrub import mask_text

__all__ = ["SessionLogFile"]


class SessionLogFile:
    """Appends gateway notes and reads lines back for ``GET /sessions/{id}/log``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Byte offset where each complete line starts, found once: a page then reads only its lines,
        # so paging through a 300 MB log never reads (or holds) the whole file.
        self._starts = array("q", [0])
        self._scanned = 0
        self._index_lock = threading.Lock()  # pages are read in worker threads, off the event loop

    def note(self, message: str) -> None:
        """Append one line from the gateway, marked so users can tell it from Spark's output."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(f"{stamp} sparkwire: {message}\n")

    def lines(self) -> list[str]:
        """:return: every line so far (empty if nothing was written)."""
        try:
            return [
                mask_text(line)
                for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines()
            ]
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

        Only the new part of the file is scanned for line breaks, and only the page's lines are read.

        :return: (from, total, lines)
        """
        try:
            with self._index_lock, open(self.path, "rb") as log:
                end = self._index(log)
                total = len(self._starts) - 1 + (1 if end > self._starts[-1] else 0)  # a last line without \n
                if size < 0:
                    start, stop = (0 if from_ is None else min(from_, total)), total
                else:
                    start = max(total - size, 0) if from_ is None else min(from_, total)
                    stop = min(start + size, total)
                if stop <= start:
                    return start, total, []
                first = self._starts[start]
                last = self._starts[stop] if stop < len(self._starts) else end
                log.seek(first)
                data = log.read(last - first)
        except FileNotFoundError:
            return 0, 0, []
        lines = [
            line.rstrip("\r") for line in data.decode("utf-8", errors="replace").split("\n")[: stop - start]
        ]
        return start, total, [mask_text(line) for line in lines]

    def _index(self, log: BinaryIO) -> int:
        """Extend the line index over what was appended since the last call; :return: the file's size."""
        end = log.seek(0, 2)
        if end < self._scanned:  # replaced or truncated: start over
            self._starts, self._scanned = array("q", [0]), 0
        log.seek(self._scanned)
        position = self._scanned
        while position < end:
            chunk = log.read(min(1 << 20, end - position))
            if not chunk:
                break
            found = chunk.find(b"\n")
            while found >= 0:
                self._starts.append(position + found + 1)
                found = chunk.find(b"\n", found + 1)
            position += len(chunk)
        self._scanned = position
        return end
