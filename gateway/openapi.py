"""The OpenAPI document, corrected to what the gateway really answers.

FastAPI documents a 422 with its own error shape for every operation that takes input; the gateway
answers bad input as Livy does instead: 400 with ``{"msg": ...}`` (app.py), and 404 for an unknown
session, batch or statement. This module rewrites the generated document to say exactly that.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

__all__ = ["allowed_methods", "install_livy_openapi", "livy_openapi"]

_MESSAGE = {"$ref": "#/components/schemas/MessageOut"}
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _MESSAGE}}}


def livy_openapi(app: FastAPI, *, auth_required: bool) -> dict[str, Any]:
    """Generate ``app``'s OpenAPI document with the error answers the gateway really serves.

    :param app: the gateway app.
    :param auth_required: also document 401 (the gateway was started with auth).
    :return: the OpenAPI document as a dict.
    """
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for path, item in spec.get("paths", {}).items():
        for method in _HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            responses["400"] = _error("Invalid input; `msg` says what to fix (Livy's error shape).")
            if "{" in path:
                responses["404"] = _error("No session, batch or statement with this id or name.")
            responses["403"] = _error("Not allowed for this user (access control, impersonation rules).")
            if method in ("post", "put", "patch"):
                responses["413"] = _error("The request body is larger than the gateway's max_body_size.")
            if auth_required:
                responses["401"] = _error("Missing or wrong credentials.")
    schemas = spec.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return spec


def allowed_methods(spec: dict[str, Any], path: str) -> list[str]:
    """:return: the methods ``spec`` documents for a concrete ``path`` (for a 405's ``Allow``)."""
    methods: set[str] = set()
    for template, item in spec.get("paths", {}).items():
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods.update(m.upper() for m in item if m in _HTTP_METHODS)
    return sorted(methods)


def install_livy_openapi(app: FastAPI, *, auth_required: bool) -> None:
    """Serve :func:`livy_openapi` at ``/openapi.json`` (generated once, then cached)."""
    cache: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not cache:
            cache.update(livy_openapi(app, auth_required=auth_required))
        return cache

    app.openapi = openapi  # type: ignore[method-assign]
