"""The gateway's end of a session process's Unix socket: where it lives and how to reach it.

Sockets live in ``<work_dir>/sockets/``, a 0700 directory: only the gateway's user can connect, and
a connection is all it takes to run code in the session.
"""

from __future__ import annotations

import asyncio
import os
import socket
import struct
from collections.abc import Callable
from pathlib import Path

__all__ = ["MAX_SOCKET_PATH", "SocketDir", "connect_worker", "peer_pid", "socket_path"]

# sockaddr_un holds 108 bytes on Linux (104 on macOS) including the final NUL.
MAX_SOCKET_PATH = 103

# Results can be large (tables, images); larger ones are spilled to files by the worker anyway.
LINE_LIMIT = 512 * 1024 * 1024


class SocketDir:
    """The private directory holding every session's socket.

    :param root: ``<work_dir>/sockets``; created 0700 (and tightened if it exists looser).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, session_id: int | str) -> Path:
        """:return: the socket path of a session, with the directory made private."""
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        return socket_path(self.root, session_id)


def socket_path(root: Path, session_id: int | str) -> Path:
    """:return: the socket of session ``session_id`` under ``root`` (settings check its length)."""
    return root / f"{session_id}.sock"


async def connect_worker(
    path: Path, timeout: float, alive: Callable[[], bool]
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    """Connect to a session process's socket, retrying while it starts listening.

    :param alive: says whether the process may still come to listen; False ends the wait at once.
    :return: the stream pair, or None if nobody listened within ``timeout`` seconds.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = 0.02
    while True:
        try:
            return await asyncio.open_unix_connection(str(path), limit=LINE_LIMIT)
        except (FileNotFoundError, ConnectionRefusedError, OSError):
            if not alive() or loop.time() + delay > deadline:
                return None
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.5)


def peer_pid(writer: asyncio.StreamWriter) -> int | None:
    """:return: the pid of the process listening at the other end (Linux ``SO_PEERCRED``), else None."""
    sock = writer.get_extra_info("socket")
    option = getattr(socket, "SO_PEERCRED", None)
    if sock is None or option is None:
        return None
    pid, _uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return int(pid)
