"""The machinery shared by the client's REST calls: send through the transport, parse into models.

The parsing step is the boundary for shapes, as the transport is for transport errors: a model's
``from_json`` failing on an unexpected body becomes :class:`InvalidResponse`.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import InvalidResponse, SessionId
from ._responses import JsonResponse, excerpt
from ._states import SessionKind, SessionState
from ._timeouts import TimeoutTypes, UseClientDefault
from ._transport import JsonTransport, Params
from ._urls import path_context, quote_id

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self needs Python 3.11

__all__ = ["CallTimeout", "RestCalls", "kind_value", "paging", "parse_state"]

_M = TypeVar("_M")

CallTimeout = TimeoutTypes | UseClientDefault
"""A per-call ``timeout=``: a timeout, or ``USE_CLIENT_DEFAULT``."""


def paging(from_: int | None, size: int | None) -> dict[str, int]:
    """Query parameters for Livy's paging, leaving out what is ``None``.

    :param from_: the offset, or ``None``.
    :param size: the page size, or ``None``.
    :return: the parameters.
    """
    params: dict[str, int] = {}
    if from_ is not None:
        params["from"] = from_
    if size is not None:
        params["size"] = size
    return params


def kind_value(kind: SessionKind | str) -> str:
    """Livy's spelling of a kind, aliases resolved.

    :param kind: a kind or a kind name.
    :return: the canonical name.
    :raises ValueError: for an unknown kind.
    """
    return SessionKind(kind).value


def parse_state(data: Mapping[str, Any]) -> SessionState:
    """Parse ``{"id", "state"}`` from a ``/state`` endpoint.

    :param data: the body.
    :return: the state.
    """
    return SessionState(data["state"])


def _dump(value: Any) -> str:
    try:
        return jsonlib.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


class RestCalls:
    """Base of :class:`LivyClient`: holds the transport and turns answers into models.

    :param transport: the transport to send with; closed by :meth:`close`.
    """

    def __init__(self, transport: JsonTransport) -> None:
        self._transport = transport

    @property
    def url(self) -> str:
        """The server's base URL, without credentials."""
        return self._transport.base_url

    @property
    def transport(self) -> JsonTransport:
        """The JSON transport underneath, for calls this client does not wrap."""
        return self._transport

    def session_url(self, session_id: SessionId) -> str:
        """The URL of a session, for messages.

        :param session_id: the session id or name.
        :return: the URL, without credentials.
        """
        return f"{self.url}/sessions/{quote_id(session_id)}"

    def _call(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        timeout: CallTimeout,
        json: Any = None,
        params: Params | None = None,
    ) -> JsonResponse:
        return self._transport.request(
            method, path, json=json, params=params, timeout=timeout, idempotent=idempotent
        )

    def _parse(
        self, parse: Callable[[Mapping[str, Any]], _M], response: JsonResponse, method: str, path: str
    ) -> _M:
        # The boundary for shapes, as the transport is for transport errors.
        try:
            if not isinstance(response.body, Mapping):
                raise TypeError(f"expected a JSON object, got {type(response.body).__name__}")
            return parse(response.body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            url = self.url + path
            problem = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
            body = excerpt(_dump(response.body), 200)
            raise InvalidResponse(
                f"Unexpected answer to {method} {url}: {problem}. Is this a Livy server of version 0.5 or "
                f"later? Body starts: {body!r}",
                url=url,
                session_id=path_context(path).session_id,
                status=response.status,
                excerpt=body,
            ) from exc

    def _get(
        self,
        path: str,
        parse: Callable[[Mapping[str, Any]], _M],
        timeout: CallTimeout,
        params: Params | None = None,
    ) -> _M:
        return self._parse(
            parse, self._call("GET", path, idempotent=True, timeout=timeout, params=params), "GET", path
        )

    def close(self) -> None:
        """Close the HTTP session if the client created it."""
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r}, auth={self._transport.auth.describe()!r})"
