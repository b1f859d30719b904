"""The session process's line to the gateway: a Unix socket it listens on, surviving gateway restarts.

The worker listens on ``--socket PATH`` (in a 0700 directory the gateway made) and serves one
gateway connection at a time. When the connection drops, the gateway may have crashed: the worker
keeps running (a statement in progress completes) and waits ``grace`` seconds for a new gateway to
connect. A grace of 0 means today's behaviour: the session stops with its gateway.

Results survive the gap: every ``result`` / ``cancelled`` line is kept until the gateway acknowledges
it (``{"op": "ack", "id": N}``, sent once it is stored), and replayed on every new connection right
after the ``hello`` line.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["GatewayChannel"]


class GatewayChannel:
    """JSON lines to whichever gateway is connected; writes are serialised because three threads send.

    :param path: the socket path to listen on (its directory must exist).
    :param grace: seconds to wait for a gateway to come back after a disconnect; 0 = do not wait.
    """

    def __init__(self, path: str, grace: float) -> None:
        self._grace = grace
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(path):
            os.unlink(path)  # a stale socket of a dead process with the same session id
        old_mask = os.umask(0o177)  # the socket itself is 0600 from birth, not after a chmod
        try:
            self._listener.bind(path)
        finally:
            os.umask(old_mask)
        self._listener.listen(1)
        self._path = path
        self._lock = threading.Lock()
        self._conn: socket.socket | None = None
        self._reader: Any = None  # the connection's buffered reader
        self._unacked: dict[int, bytes] = {}  # statement id -> its final line, until the gateway stores it
        self._received: set[int] = set()  # statements the worker took and the gateway has not acked

    @property
    def path(self) -> str:
        """:return: the socket path."""
        return self._path

    def accept(self, hello: Callable[[], dict[str, Any]], first: bool) -> bool:
        """Wait for a gateway; greet it with ``hello()`` plus the unacknowledged lines.

        :param first: True for the very first connection (the gateway that started us).
        :return: False when no gateway came within the wait (the caller stops the session).
        """
        wait = max(self._grace, 120.0) if first else self._grace
        if wait <= 0:
            return False
        self._listener.settimeout(wait)
        try:
            conn, _ = self._listener.accept()
        except OSError:  # includes the timeout
            return False
        conn.settimeout(None)
        with self._lock:
            self._conn = conn
            self._reader = conn.makefile("rb")
            greeting = {**hello(), "pending": sorted(self._received | set(self._unacked))}
            try:
                conn.sendall((json.dumps(greeting, default=str) + "\n").encode())
                for line in list(self._unacked.values()):
                    conn.sendall(line)
            except OSError:
                pass  # the reader sees the drop and waits again
        return True

    def receive(self) -> dict[str, Any] | None:
        """:return: the next message, or None when the gateway went away."""
        conn, reader = self._conn, self._reader
        if conn is None:
            return None
        try:
            line = reader.readline()
        except OSError:
            line = b""
        if not line:
            with self._lock:
                self._conn = None
            conn.close()
            return None
        message: dict[str, Any] = json.loads(line)
        if message.get("op") == "ack":
            with self._lock:
                self._unacked.pop(int(message["id"]), None)
                self._received.discard(int(message["id"]))
        elif message.get("op") == "execute":
            with self._lock:
                self._received.add(int(message["id"]))
        return message

    def send(self, message: dict[str, Any]) -> None:
        """Send an event; lost silently while no gateway is connected (progress, completions)."""
        self._send_line((json.dumps(message, default=str) + "\n").encode())

    def send_final(self, statement_id: int, line: bytes) -> None:
        """Send a statement's final line (``result`` or ``cancelled``); kept until acknowledged."""
        with self._lock:
            self._unacked[statement_id] = line
        self._send_line(line)

    def _send_line(self, line: bytes) -> None:
        with self._lock:
            if self._conn is None:
                return
            try:
                self._conn.sendall(line)
            except OSError:
                pass  # the reader thread notices the drop

    def close(self) -> None:
        """Stop listening and remove the socket file."""
        self._listener.close()
        try:
            os.unlink(self._path)
        except OSError:
            pass
