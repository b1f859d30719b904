"""A session start that runs while the user types (``kernel.start_session: "on_kernel_start"``).

The start runs :meth:`~.registry.SessionRegistry.ensure_started` in a daemon thread, exactly as a
cell would, and remembers each polled state; the first cell that needs the session then waits only
for what is left. Only that cell's thread calls :meth:`BackgroundStart.wait`, and the registry is
not asked to start the same name twice, because :class:`~.core.Engine` hands the session to the cell
only through this object until it is done.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sparkwire.livy import Session

from .registry import SessionRegistry

__all__ = ["BackgroundStart"]


class BackgroundStart:
    """One named session starting in a background thread.

    :param registry: the registry that owns the session.
    :param name: the registered name.
    :param timeout: seconds the session may take to become ready (``kernel.session_start_timeout``).
    """

    def __init__(self, registry: SessionRegistry, name: str, timeout: float | None) -> None:
        self.name = name
        self.started_at = time.monotonic()
        self.latest: Session | None = None
        self.error: BaseException | None = None
        self._registry = registry
        self._timeout = timeout
        self._done = threading.Event()
        self._abandoned = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sparkwire-start-{name}", daemon=True)

    def begin(self) -> None:
        """Start the thread."""
        self._thread.start()

    @property
    def done(self) -> bool:
        """:return: True once the start has ended, ready or failed (see :attr:`error`)."""
        return self._done.is_set()

    def _record(self, session: Session | None) -> None:
        if self._abandoned.is_set():
            # ensure_started deletes the session it created when interrupted: nothing is left behind.
            raise KeyboardInterrupt
        if session is not None:
            self.latest = session

    def _run(self) -> None:
        try:
            self._registry.ensure_started(self.name, on_update=self._record, timeout=self._timeout)
        except BaseException as exc:  # noqa: BLE001 - reported to the cell that waits; a thread has nobody else to tell
            self.error = exc
        finally:
            self._done.set()

    def wait(self, on_update: Callable[[Session | None], None], interval: float = 0.1) -> None:
        """Block until the start ends, calling ``on_update`` with the latest state as it goes.

        :param on_update: the cell's start view.
        :param interval: seconds between updates.
        :raises KeyboardInterrupt: when the user interrupts; the start goes on (the next cell waits again).
        """
        while not self._done.wait(interval):
            on_update(self.latest)
        on_update(self.latest)

    def abandon(self, wait: float = 5.0) -> None:
        """Stop the start (the kernel is going away): a session it created is deleted at its next poll.

        :param wait: seconds to wait for the thread to finish deleting.
        """
        self._abandoned.set()
        self._thread.join(wait)
