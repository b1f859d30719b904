"""One gateway per work dir: an exclusive ``flock`` on ``<work_dir>/gateway.lock`` for the gateway's life.

Two gateways on one work dir would share its SQLite store, its worker sockets and its batch records, and
each would adopt (and stop) the other's sessions. The lock is advisory and held on an open file, so the
kernel drops it when the gateway exits in any way, ``kill -9`` included: the next gateway on the work
dir then starts and recovers what the crashed one left. The file is opened close-on-exec, so session
processes (which outlive a crashed gateway) never hold it. The holder writes its PID into the file so
that a refused gateway can name it; the file itself is never removed (removing it would let a third
gateway lock a new file while the first still holds the old one).
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .settings import ENV_PREFIX

__all__ = ["LOCK_NAME", "WorkDirBusy", "WorkDirLock", "lock_work_dir"]

LOCK_NAME: Final = "gateway.lock"


class WorkDirBusy(Exception):
    """Another gateway holds the work dir.

    :param work_dir: the work dir.
    :param pid: the holder's PID, when it could be read.
    """

    def __init__(self, work_dir: Path, pid: int | None) -> None:
        self.work_dir = work_dir
        self.pid = pid
        holder = f"another gateway (PID {pid})" if pid is not None else "another gateway"
        super().__init__(
            f"{holder} is already running on the work dir {work_dir} (it holds {work_dir / LOCK_NAME}). Two "
            f"gateways on one work dir would share its session store, sockets and batch records. Stop that "
            f"gateway, or start this one with --work-dir (or {ENV_PREFIX}WORK_DIR) pointing at another "
            f"directory."
        )


@dataclass
class WorkDirLock:
    """A held work-dir lock; :meth:`release` it when the gateway stops (exiting releases it too).

    :param path: the lock file.
    :param fd: the open file holding the lock.
    """

    path: Path
    fd: int

    def release(self) -> None:
        """Drop the lock (closing the file does); calling it twice is harmless."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _holder_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def lock_work_dir(work_dir: Path) -> WorkDirLock:
    """Take the work dir for this process, creating it (mode 700) if needed.

    :param work_dir: the gateway's work dir.
    :return: the held lock.
    :raises WorkDirBusy: another process holds it.
    :raises OSError: the directory or the lock file cannot be created or opened.
    """
    work_dir = work_dir.expanduser().absolute()
    work_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = work_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _holder_pid(fd)
        os.close(fd)
        raise WorkDirBusy(work_dir, pid) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return WorkDirLock(path, fd)
