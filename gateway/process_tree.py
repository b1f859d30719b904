"""Find and kill every process a session started, including those that left its process group.

A child that calls ``setsid`` escapes ``killpg``. The worker makes itself a child subreaper
(``PR_SET_CHILD_SUBREAPER``), so such orphans stay below it while it lives; the gateway also remembers
every descendant it has seen, so those orphaned by the worker's own death are still found. Linux
only (``/proc``); elsewhere nothing is tracked and the process group is all that is killed.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DescendantTracker", "ProcessId", "descendants"]

_PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessId:
    """A pid plus its start time, so a recycled pid is never mistaken for the process we saw."""

    pid: int
    start_time: int


def _parent_and_start(pid: int) -> tuple[int, int] | None:
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    try:
        return int(fields[1]), int(fields[19])  # ppid (field 4), starttime (field 22)
    except (IndexError, ValueError):
        return None


def _identify(pid: int) -> ProcessId | None:
    found = _parent_and_start(pid)
    return None if found is None else ProcessId(pid, found[1])


def descendants(root: int) -> list[ProcessId]:
    """:return: every live process below ``root`` (children, grandchildren, ...), root excluded."""
    children: dict[int, list[ProcessId]] = {}
    try:
        entries = [e.name for e in _PROC.iterdir() if e.name.isdigit()]
    except OSError:
        return []
    for name in entries:
        found = _parent_and_start(int(name))
        if found is not None:
            children.setdefault(found[0], []).append(ProcessId(int(name), found[1]))
    result: list[ProcessId] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child.pid != root and child not in result:
                result.append(child)
                todo.append(child.pid)
    return result


class DescendantTracker:
    """Remembers the descendants of one process, to kill them all when its session ends."""

    def __init__(self, root: int) -> None:
        self._root = _identify(root)
        self._seen: set[ProcessId] = set()

    def refresh(self) -> None:
        """Record the root's current descendants and forget those that have exited."""
        alive = {p for p in self._seen if _identify(p.pid) == p}
        # Once the root is gone its pid may name another process: scan below it only while it is ours.
        if self._root is not None and _identify(self._root.pid) == self._root:
            alive |= set(descendants(self._root.pid))
        self._seen = alive

    @property
    def tracked(self) -> frozenset[ProcessId]:
        """:return: the processes recorded so far (tests read it)."""
        return frozenset(self._seen)

    def kill_all(self) -> int:
        """SIGKILL every recorded descendant still running (the same process, not a reused pid).

        :return: how many were signalled.
        """
        self.refresh()
        killed = 0
        for process in self._seen:
            if _identify(process.pid) == process:
                try:
                    os.kill(process.pid, signal.SIGKILL)
                    killed += 1
                except (ProcessLookupError, PermissionError):
                    pass
        return killed
