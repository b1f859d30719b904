"""How the gateway tells a live session process from a stopped, wedged or dead one.

Three signals, because the socket alone lies: a child that forked from the worker keeps the socket
open after the worker died, and a stopped (SIGSTOP) or wedged process keeps it open forever.
- process exit, polled every ``ping_interval`` seconds;
- pings: the worker's reader thread answers each at once, so no answer for ``liveness_timeout``
  seconds means the process is stopped, or stuck in native code holding the GIL;
- cancel escalation: a statement that ignores the interrupt is marked cancelled after
  ``cancel_grace`` seconds, and the session is stopped after twice that.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LivenessPolicy", "PingClock", "cancel_gave_up", "cancelled_note", "stopped_answering"]


@dataclass(frozen=True)
class LivenessPolicy:
    """Timings of the checks above (gateway settings ``ping_interval``, ``liveness_timeout``, ``cancel_grace``).

    :param ping_interval: seconds between two pings (and two checks of the process's exit).
    :param timeout: seconds without an answer before the session is declared dead; 0 disables pings.
    :param cancel_grace: seconds a cancelled statement has to stop before escalation.
    """

    ping_interval: float = 2.0
    timeout: float = 120.0
    cancel_grace: float = 10.0


@dataclass
class PingClock:
    """Pings sent and the time of the last answer (any message from the worker counts)."""

    policy: LivenessPolicy
    last_answer: float = field(default_factory=time.monotonic)
    _sequence: int = 0

    def answered(self) -> None:
        """Record that the worker said something."""
        self.last_answer = time.monotonic()

    def next_ping(self) -> dict[str, Any]:
        """:return: the next ping message."""
        self._sequence += 1
        return {"op": "ping", "seq": self._sequence}

    def silent_for(self) -> float:
        """:return: seconds since the worker last said anything."""
        return time.monotonic() - self.last_answer

    def overdue(self) -> bool:
        """:return: True when the worker has been silent for longer than the policy allows."""
        return self.policy.timeout > 0 and self.silent_for() > self.policy.timeout


def stopped_answering(silent_for: float) -> str:
    """:return: why a session that stopped answering pings was ended."""
    return (
        f"the session stopped answering: no reply to liveness checks for {silent_for:.0f}s "
        f"(liveness_timeout); its process is stopped or wedged, so it was killed"
    )


def cancelled_note(statement_id: int, grace: float) -> str:
    """:return: the note on a statement marked cancelled because its code did not stop."""
    return (
        f"Statement {statement_id} did not stop within {grace:.0f}s of being interrupted (its code may "
        f"catch KeyboardInterrupt). Its Spark jobs were cancelled and it is marked cancelled; the session "
        f"is stopped if the code does not yield within another {grace:.0f}s."
    )


def cancel_gave_up(statement_id: int, waited: float) -> str:
    """:return: why a session whose statement ignored cancellation was ended."""
    return (
        f"statement {statement_id} ignored cancellation for {waited:.0f}s (its code catches "
        f"KeyboardInterrupt or is stuck), so the session was stopped; create a new session"
    )
