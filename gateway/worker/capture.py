"""Capture what one statement writes to ``sys.stdout`` and ``sys.stderr``.

Livy's Python REPL keeps ``sys.stdout``/``sys.stderr`` swapped for string buffers for the whole life of
the process and empties them only after a successful statement, so text printed before an exception
shows up in the *next* statement's output. Here every statement gets fresh buffers, and the real streams
come back when it ends, so prints from other threads between statements reach the session log.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["CapturedOutput", "TextBuffer", "capture_output"]


class TextBuffer(io.StringIO):
    """A string buffer that also takes UTF-8 ``bytes``, as Livy's does, for code written for Python 2."""

    def write(self, s: str | bytes) -> int:
        """Append text, decoding bytes as UTF-8.

        :param s: the text or bytes to append.
        """
        if isinstance(s, (bytes, bytearray)):
            s = bytes(s).decode("utf-8", errors="replace")
        return super().write(s)


@dataclass
class CapturedOutput:
    """The buffers one statement writes into.

    :param stdout: receives ``sys.stdout`` writes, including values shown by the interactive display hook.
    :param stderr: receives ``sys.stderr`` writes.
    """

    stdout: TextBuffer = field(default_factory=TextBuffer)
    stderr: TextBuffer = field(default_factory=TextBuffer)

    def text(self) -> str:
        """Stdout, then stderr, as Livy concatenates them."""
        return self.stdout.getvalue() + self.stderr.getvalue()


@contextmanager
def capture_output() -> Iterator[CapturedOutput]:
    """Swap in fresh buffers for stdout and stderr, an empty stdin and the default display hook.

    An empty stdin makes ``input()`` fail with ``EOFError`` instead of blocking the session. The
    default display hook writes ``repr`` of an interactive expression's value to ``sys.stdout``, which
    is our buffer, and leaves no frame of ours in a traceback when a ``__repr__`` fails. Everything is
    restored on the way out, also when a ``KeyboardInterrupt`` passes through.
    """
    captured = CapturedOutput()
    saved = (sys.stdin, sys.stdout, sys.stderr, sys.displayhook)
    sys.stdin = io.StringIO()
    sys.stdout = captured.stdout
    sys.stderr = captured.stderr
    sys.displayhook = sys.__displayhook__
    try:
        yield captured
    finally:
        sys.stdin, sys.stdout, sys.stderr, sys.displayhook = saved
