"""What the handlers share, made once when the extension loads: settings, Livy clients, a thread pool.

Kept in ``web_app.settings["sparkwire_panel"]``, never in module globals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

from sparkwire.livy import LivyClient, RetryPolicy, Timeout

from ._config import SparkwirePanel
from ._endpoints import Endpoint, PanelEndpoints, load_endpoints

__all__ = ["SETTINGS_KEY", "FirstSeen", "PanelState"]

SETTINGS_KEY: Final = "sparkwire_panel"

# One quick repeat for a dropped connection; the browser polls again anyway, so a longer retry
# would only hold a request (and a thread) while the endpoint is down.
_PANEL_RETRIES: Final = RetryPolicy(retries=1, backoff=0.2)


class FirstSeen:
    """When this server first listed each session or batch: Livy reports no creation time, and the
    panel shows an age. Ids no longer listed are forgotten (a restarted server reuses them).

    Items already there at the first complete listing of an endpoint (left by earlier runs of the
    endpoint, or made before this server started) are older than their stamp: :meth:`earlier` names
    them, so the panel shows their age as a lower bound rather than a misleading one.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._seen: dict[tuple[str, str], dict[int, float]] = {}
        self._earlier: dict[tuple[str, str], set[int]] = {}
        self._lock = threading.Lock()

    def stamp(self, endpoint: str, kind: str, ids: Iterable[int], *, complete: bool) -> dict[int, float]:
        """Record the ids listed now.

        :param endpoint: the endpoint name.
        :param kind: ``"session"`` or ``"batch"``.
        :param ids: the ids listed.
        :param complete: whether ``ids`` is the whole list (only then are missing ids forgotten).
        :return: id → first-seen time in epoch seconds, for the ids given.
        """
        now = self._clock()
        with self._lock:
            seen = self._seen.setdefault((endpoint, kind), {})
            listed = {item: seen.get(item, now) for item in ids}
            if complete:
                earlier = self._earlier.get((endpoint, kind))
                if earlier is None:  # the first complete listing
                    earlier = self._earlier[(endpoint, kind)] = {item for item in listed if item not in seen}
                earlier.intersection_update(listed)
                seen.clear()
            seen.update(listed)
            return listed

    def earlier(self, endpoint: str, kind: str) -> frozenset[int]:
        """:return: the ids that existed before this server's first complete listing, still listed."""
        with self._lock:
            return frozenset(self._earlier.get((endpoint, kind), ()))


@dataclass(frozen=True)
class _CachedClient:
    key: tuple[Any, ...]  # the endpoint's connection settings the client was made with
    client: LivyClient


class PanelState:
    """The objects the handlers share.

    :param config: the extension's settings.
    :param loader: loads the endpoint configuration (per request, so edits apply without a restart).

    Nothing closes it: jupyter_server gives a module extension no shutdown hook, and the pool's threads
    and the clients' connections end with the server process.
    """

    def __init__(self, config: SparkwirePanel, loader: Callable[[], PanelEndpoints] = load_endpoints) -> None:
        self.config = config
        self.first_seen = FirstSeen()
        self.executor = ThreadPoolExecutor(
            max_workers=max(1, config.workers), thread_name_prefix="sparkwire-panel"
        )
        self._loader = loader
        self._clients: dict[str, _CachedClient] = {}
        self._lock = threading.Lock()

    def endpoints(self) -> PanelEndpoints:
        """:return: the endpoint configuration as it is now."""
        return self._loader()

    def client(self, endpoint: Endpoint) -> LivyClient:
        """The client for an endpoint, reused while its connection settings stay the same.

        :param endpoint: the endpoint.
        :return: its client.
        """
        key = endpoint.cache_key()
        with self._lock:
            cached = self._clients.get(endpoint.name)
            if cached is not None and cached.key == key:
                return cached.client
            client = LivyClient(
                endpoint.url,
                auth=endpoint.auth,
                verify=endpoint.verify,
                cert=endpoint.cert,
                headers=endpoint.headers or None,
                timeout=Timeout(
                    connect=min(5.0, self.config.request_timeout), read=self.config.request_timeout
                ),
                retries=endpoint.retries or _PANEL_RETRIES,
            )
            # A replaced client is not closed here: another request may still be using it; its
            # connections close when it is collected.
            self._clients[endpoint.name] = _CachedClient(key, client)
        return client
