"""Keep the sessions a kernel or shell created alive while it lives (Livy's ``heartbeatTimeoutInSecond``).

Sessions created through the registry carry a heartbeat timeout (``kernel.heartbeat_timeout``, 15
minutes by default): Livy, and the sparkwire gateway, delete a session nobody has asked about for
that long. While the kernel runs, this thread asks about each of its sessions well within the timeout
(any ``GET`` of a session counts as a heartbeat), so an idle but live kernel keeps its session and a
crashed one's session is reaped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["HeartbeatThread", "heartbeat_interval"]


def heartbeat_interval(timeout: float) -> float:
    """:return: seconds between heartbeats for a session timeout: a third of it, between 1 s and 60 s."""
    return min(max(timeout / 3.0, 1.0), 60.0)


class HeartbeatThread:
    """Calls ``beat`` every ``interval`` seconds on a daemon thread until stopped.

    :param beat: sends one round of heartbeats; its exceptions are swallowed (the next round retries).
    :param interval: seconds between rounds.
    """

    def __init__(self, beat: Callable[[], None], interval: float) -> None:
        self._beat = beat
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sparkwire-heartbeat", daemon=True)

    def start(self) -> None:
        """Start sending heartbeats."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and wait up to ``timeout`` seconds for a round in flight."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._beat()
            except Exception:  # noqa: BLE001, S110 - a failed heartbeat is retried next round; never kill the thread
                pass
