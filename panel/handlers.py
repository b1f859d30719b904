"""The panel's REST handlers under ``{base_url}/sparkwire/``: thin, each one call to sparkwire.livy.

::

    GET    endpoints                                  endpoints (no credentials) and profile names
    GET    endpoints/{name}/sessions                  sessions
    POST   endpoints/{name}/sessions                  create a session: 201
    DELETE endpoints/{name}/sessions/{id}             delete it: 204
    GET    endpoints/{name}/sessions/{id}/log?size=N  the last N log lines; &from=I: N lines from line I
    GET    endpoints/{name}/batches                   batches; {"available": false} without /batches
    POST   endpoints/{name}/batches                   submit a batch: 201
    DELETE endpoints/{name}/batches/{id}              kill it: 204
    GET    endpoints/{name}/batches/{id}/log?size=N   as for sessions

Livy calls block, so they run on the extension's thread pool; failures are mapped to
``{"message", "reason"}`` answers in one place (:func:`._errors.error_answer`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from sparkwire.engine.errors import ConfigError
from sparkwire.livy import (
    Batch,
    BatchNotFound,
    LivyClient,
    LivyError,
    NotFound,
    Session,
    SessionNotFound,
    StatementNotFound,
)

from ._endpoints import Endpoint, PanelEndpoints
from ._errors import PanelRequestError, error_answer
from ._json import batch_json, endpoint_json, log_json, session_json
from ._kinds import session_kinds
from ._requests import batch_spec, decode_json, session_spec
from ._state import SETTINGS_KEY, PanelState

__all__ = ["NAMESPACE", "setup_handlers"]

NAMESPACE = "sparkwire"
_PAGE = 100

T = TypeVar("T", Session, Batch)
Reply = tuple[int, Any]


def _list_all(fetch: Callable[[int, int], tuple[Sequence[T], int]], limit: int) -> tuple[list[T], bool]:
    """Page through a Livy list. :return: the items and whether they are all of them."""
    items: list[T] = []
    while len(items) < limit:
        page, total = fetch(len(items), min(_PAGE, limit - len(items)))
        items.extend(page)
        if not page or len(items) >= total:
            return items, True
    return items, False


@dataclass(frozen=True)
class _Target:
    """The endpoint a request names, with the configuration it came from and its client."""

    endpoints: PanelEndpoints
    endpoint: Endpoint
    client: LivyClient


class _PanelHandler(APIHandler):
    """Shared plumbing: find the endpoint, run a Livy call on the pool, answer JSON or an error."""

    @property
    def panel(self) -> PanelState:
        """The extension's shared state."""
        state: PanelState = self.settings[SETTINGS_KEY]
        return state

    def _endpoint(self, name: str) -> _Target:
        config = self.panel.endpoints()
        endpoint = config.endpoint(name)
        if endpoint is None:
            known = ", ".join(e.name for e in config.endpoints)
            raise PanelRequestError(f"No endpoint named {name!r} is configured (configured: {known}).", 404)
        return _Target(config, endpoint, self.panel.client(endpoint))

    def _log_window(self) -> tuple[int | None, int]:
        """:return: the first line asked for (None: the last lines) and how many, from ``?from=&size=``."""
        size = self._whole_number("size")
        start = self._whole_number("from")
        if start is not None and start < 0:
            raise PanelRequestError(f"'from' must be a line number of 0 or more, not {start}.")
        config = self.panel.config
        size = config.log_lines if size is None else max(1, min(size, config.max_log_lines))
        return start, size

    def _whole_number(self, name: str) -> int | None:
        raw = self.get_query_argument(name, None)
        if raw is None or raw == "":
            return None
        try:
            return int(raw)
        except ValueError:
            raise PanelRequestError(f"{name!r} must be a whole number, not {raw!r}.") from None

    async def _answer(self, work: Callable[[], Reply]) -> None:
        try:
            status, value = await asyncio.get_running_loop().run_in_executor(self.panel.executor, work)
        except Exception as error:
            answer = error_answer(error)
            if isinstance(error, LivyError | ConfigError | PanelRequestError):
                self.log.info(
                    "sparkwire panel: %s %s: %s", self.request.method, self.request.path, answer.message
                )
            else:
                self.log.exception("sparkwire panel: %s %s failed", self.request.method, self.request.path)
            self.set_status(answer.status)
            self.finish(json.dumps({"message": answer.message, "reason": answer.reason}))
            return
        self.set_status(status)
        self.finish(None if value is None else json.dumps(value))


class EndpointsHandler(_PanelHandler):
    """``GET endpoints``."""

    @tornado.web.authenticated
    async def get(self) -> None:
        """List the configured endpoints and session profiles."""

        def work() -> Reply:
            config = self.panel.endpoints()
            return 200, {
                "endpoints": [endpoint_json(endpoint) for endpoint in config.endpoints],
                "profiles": sorted(config.profiles),
            }

        await self._answer(work)


class SessionsHandler(_PanelHandler):
    """``GET`` and ``POST endpoints/{name}/sessions``."""

    @tornado.web.authenticated
    async def get(self, endpoint: str) -> None:
        """List the endpoint's sessions.

        :param endpoint: the endpoint name.
        """

        def work() -> Reply:
            client = self._endpoint(endpoint).client

            def fetch(start: int, size: int) -> tuple[Sequence[Session], int]:
                page = client.list_sessions(start, size)
                return page.sessions, page.total

            sessions, complete = _list_all(fetch, self.panel.config.max_listed)
            seen = self.panel.first_seen.stamp(
                endpoint, "session", (s.id for s in sessions), complete=complete
            )
            earlier = self.panel.first_seen.earlier(endpoint, "session")
            return 200, {"sessions": [session_json(s, seen[s.id], s.id in earlier) for s in sessions]}

        await self._answer(work)

    @tornado.web.authenticated
    async def post(self, endpoint: str) -> None:
        """Create a session from ``{"kind", "name", "profile", "properties"}``.

        :param endpoint: the endpoint name.
        """
        body = self.request.body

        def work() -> Reply:
            target = self._endpoint(endpoint)
            session = target.client.create_session(
                session_spec(decode_json(body), target.endpoints, target.endpoint)
            )
            seen = self.panel.first_seen.stamp(endpoint, "session", [session.id], complete=False)
            return 201, session_json(session, seen[session.id])

        await self._answer(work)


class KindsHandler(_PanelHandler):
    """``GET endpoints/{name}/kinds``: the session kinds the endpoint runs."""

    @tornado.web.authenticated
    async def get(self, endpoint: str) -> None:
        """Answer ``{"kinds": [...], "source": "gateway" | "livy"}``.

        :param endpoint: the endpoint name.
        """

        def work() -> Reply:
            return 200, session_kinds(self._endpoint(endpoint).client)

        await self._answer(work)


class SessionHandler(_PanelHandler):
    """``DELETE endpoints/{name}/sessions/{id}``."""

    @tornado.web.authenticated
    async def delete(self, endpoint: str, item_id: str) -> None:
        """Delete a session.

        :param endpoint: the endpoint name.
        :param item_id: the session id.
        """

        def work() -> Reply:
            self._endpoint(endpoint).client.delete_session(int(item_id))
            return 204, None

        await self._answer(work)


class SessionLogHandler(_PanelHandler):
    """``GET endpoints/{name}/sessions/{id}/log``."""

    @tornado.web.authenticated
    async def get(self, endpoint: str, item_id: str) -> None:
        """A page of a session's log: the last ``?size=N`` lines, or N lines from ``?from=I``.

        :param endpoint: the endpoint name.
        :param item_id: the session id.
        """

        def work() -> Reply:
            start, size = self._log_window()
            return 200, log_json(self._endpoint(endpoint).client.session_log(int(item_id), start, size))

        await self._answer(work)


def _batches_missing(error: NotFound) -> bool:
    # A 404 naming no batch means the server has no /batches route (e.g. a gateway without batches).
    return not isinstance(error, SessionNotFound | StatementNotFound | BatchNotFound)


class BatchesHandler(_PanelHandler):
    """``GET`` and ``POST endpoints/{name}/batches``."""

    @tornado.web.authenticated
    async def get(self, endpoint: str) -> None:
        """List the endpoint's batches, or say batches are not available there.

        :param endpoint: the endpoint name.
        """

        def work() -> Reply:
            client = self._endpoint(endpoint).client

            def fetch(start: int, size: int) -> tuple[Sequence[Batch], int]:
                page = client.list_batches(start, size)
                return page.batches, page.total

            try:
                batches, complete = _list_all(fetch, self.panel.config.max_listed)
            except NotFound as error:
                if _batches_missing(error):
                    return 200, {"available": False, "batches": []}
                raise
            seen = self.panel.first_seen.stamp(endpoint, "batch", (b.id for b in batches), complete=complete)
            earlier = self.panel.first_seen.earlier(endpoint, "batch")
            listed = [batch_json(b, seen[b.id], b.id in earlier) for b in batches]
            return 200, {"available": True, "batches": listed}

        await self._answer(work)

    @tornado.web.authenticated
    async def post(self, endpoint: str) -> None:
        """Submit a batch from ``{"path" | "file", "name", "className", "args", "conf"}``.

        :param endpoint: the endpoint name.
        """
        body = self.request.body
        root_dir = Path(self.settings.get("server_root_dir") or ".")

        def work() -> Reply:
            target = self._endpoint(endpoint)
            batch = target.client.create_batch(
                batch_spec(decode_json(body), root_dir, target.endpoint.proxy_user)
            )
            seen = self.panel.first_seen.stamp(endpoint, "batch", [batch.id], complete=False)
            return 201, batch_json(batch, seen[batch.id])

        await self._answer(work)


class BatchHandler(_PanelHandler):
    """``DELETE endpoints/{name}/batches/{id}``."""

    @tornado.web.authenticated
    async def delete(self, endpoint: str, item_id: str) -> None:
        """Kill a batch.

        :param endpoint: the endpoint name.
        :param item_id: the batch id.
        """

        def work() -> Reply:
            self._endpoint(endpoint).client.delete_batch(int(item_id))
            return 204, None

        await self._answer(work)


class BatchLogHandler(_PanelHandler):
    """``GET endpoints/{name}/batches/{id}/log``."""

    @tornado.web.authenticated
    async def get(self, endpoint: str, item_id: str) -> None:
        """A page of a batch's log: the last ``?size=N`` lines, or N lines from ``?from=I``.

        :param endpoint: the endpoint name.
        :param item_id: the batch id.
        """

        def work() -> Reply:
            start, size = self._log_window()
            return 200, log_json(self._endpoint(endpoint).client.batch_log(int(item_id), start, size))

        await self._answer(work)


_ENDPOINT = r"endpoints/(?P<endpoint>[^/]+)"
_ROUTES: tuple[tuple[str, type[_PanelHandler]], ...] = (
    (r"endpoints", EndpointsHandler),
    (rf"{_ENDPOINT}/kinds", KindsHandler),
    (rf"{_ENDPOINT}/sessions", SessionsHandler),
    (rf"{_ENDPOINT}/sessions/(?P<item_id>\d+)", SessionHandler),
    (rf"{_ENDPOINT}/sessions/(?P<item_id>\d+)/log", SessionLogHandler),
    (rf"{_ENDPOINT}/batches", BatchesHandler),
    (rf"{_ENDPOINT}/batches/(?P<item_id>\d+)", BatchHandler),
    (rf"{_ENDPOINT}/batches/(?P<item_id>\d+)/log", BatchLogHandler),
)


def setup_handlers(web_app: tornado.web.Application) -> None:
    """Add the panel's routes under ``{base_url}/sparkwire/``.

    :param web_app: the Jupyter server's tornado application (its settings hold the panel state).
    """
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(
        ".*$", [(url_path_join(base_url, NAMESPACE, pattern), handler) for pattern, handler in _ROUTES]
    )
