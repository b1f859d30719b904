"""Riding through a server restart while polling: keep asking, within a bounded wait, and say so.

A gateway (or Livy) restarting refuses connections for a few seconds; with recovery its sessions
and statements are still there afterwards. A poll is a ``GET``, safe to repeat, so a waiting loop
keeps polling instead of failing the cell: it reports "restarting …" once, then "reconnected".
Only polls go through here, never a submit or a create (see ``_retries`` for why).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from ._errors import EndpointUnreachable

__all__ = ["DEFAULT_RECONNECT_WAIT", "NoticeCallback", "poll_through_restart"]

logger = logging.getLogger("sparkwire.livy")

DEFAULT_RECONNECT_WAIT = 60.0
"""Seconds a wait keeps polling an endpoint that stopped answering before it gives up."""

NoticeCallback = Callable[[str], None]
"""Receives one-line notices for the user: the server is restarting, then it is back."""

T = TypeVar("T")


def poll_through_restart(
    poll: Callable[[], T],
    *,
    wait: float,
    on_notice: NoticeCallback | None,
    url: str,
    interval: float = 0.5,
) -> T:
    """Call ``poll``; while the endpoint is unreachable, call it again for up to ``wait`` seconds.

    :param poll: a safe-to-repeat request (a ``GET``).
    :param wait: how long to keep trying after the first failure; 0 = fail at once.
    :param on_notice: told when the endpoint stops answering and when it is back; logged if None.
    :param url: the endpoint, for the notices.
    :param interval: seconds between attempts.
    :return: what ``poll`` returned once it got through.
    :raises EndpointUnreachable: if the endpoint did not come back within ``wait`` seconds.
    """
    notify = on_notice or logger.warning
    try:
        return poll()
    except EndpointUnreachable as exc:
        if wait <= 0:
            raise
        last = exc
    started = time.monotonic()
    notify(f"gateway restarting? {url} is not answering; retrying for up to {wait:g} s …")
    while True:
        remaining = wait - (time.monotonic() - started)
        if remaining <= 0:
            break
        time.sleep(min(interval, remaining))
        try:
            result = poll()
        except EndpointUnreachable as exc:
            last = exc
            continue
        notify(f"… reconnected to {url} after {time.monotonic() - started:.1f} s")
        return result
    raise EndpointUnreachable(
        f"{last} It did not come back within {wait:g} s; the session may still be running there: "
        "look again once the server is up.",
        url=last.url,
        session_id=last.session_id,
    ) from last
