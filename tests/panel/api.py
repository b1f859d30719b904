"""Helpers for calling the panel's REST API through pytest-jupyter's ``jp_fetch``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from tornado.httpclient import HTTPClientError, HTTPResponse

Fetch = Callable[..., Awaitable[HTTPResponse]]


async def call(
    jp_fetch: Fetch, method: str, *parts: str | int, body: Any = None, params: dict[str, Any] | None = None
) -> tuple[int, Any]:
    """Call ``/sparkwire/...`` and return ``(status, decoded JSON or None)``, errors included."""
    kwargs: dict[str, Any] = {"method": method, "raise_error": False}
    if body is not None:
        kwargs["body"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
    elif method == "POST":
        kwargs["body"] = "{}"
    if params:
        kwargs["params"] = params
    try:
        response = await jp_fetch("sparkwire", *(str(p) for p in parts), **kwargs)
    except HTTPClientError as error:  # older pytest-jupyter ignores raise_error
        assert error.response is not None
        response = error.response
    text = response.body.decode() if response.body else ""
    return response.code, json.loads(text) if text else None
