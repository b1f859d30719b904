"""The gateway's ASGI app, built from explicit lists: routers, middleware, error handlers, lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .access import AccessPolicy
from .auth import Authenticator, AuthMiddleware, build_authenticator
from .batches import BatchManager
from .errors import GatewayError
from .http_guards import BodyLimitMiddleware, HostCheckMiddleware
from .models import VersionOut
from .openapi import allowed_methods, install_livy_openapi
from .routes_batches import router as batches_router
from .routes_jobs import router as jobs_router
from .routes_pool import router as pool_router
from .routes_results import router as results_router
from .routes_sessions import router as sessions_router
from .routes_statements import router as statements_router
from .sessions import SessionManager
from .settings import GatewaySettings
from .ui_proxy import router as ui_proxy_router
from .validation import explain_error

__all__ = ["create_app"]

log = logging.getLogger("sparkwire.gateway")

ROUTERS = [
    sessions_router,
    statements_router,
    batches_router,
    ui_proxy_router,
    jobs_router,
    pool_router,
    results_router,
]


def _msg(status: int, message: str) -> JSONResponse:
    return JSONResponse({"msg": message}, status_code=status)


async def _gateway_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GatewayError)
    return _msg(exc.status_code, exc.message)


def _describe_validation(exc: RequestValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        if error.get("type") == "json_invalid":
            return 'Malformed JSON in the request body: send a JSON object, e.g. {"kind": "pyspark"}.'
        if error.get("type") == "extra_forbidden":
            problems.append(f"unknown field '{where}'")
        elif (reason := explain_error(dict(error))) is not None:
            problems.append(f"{where}: {reason}")
        else:
            problems.append(f"{where or 'body'}: {error.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(problems) + "."


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _msg(400, _describe_validation(exc))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        # Starlette's Allow names only the first matching route's methods; GET and POST /sessions are two.
        allow = ", ".join(_allowed_methods(request))
        reply = _msg(405, f"Method {request.method} is not allowed on {request.url.path}; use {allow}.")
        reply.headers["Allow"] = allow
        return reply
    message = {404: f"Not found: {request.url.path}"}
    reply = _msg(exc.status_code, message.get(exc.status_code, str(exc.detail)))
    reply.headers.update(exc.headers or {})
    return reply


def _allowed_methods(request: Request) -> list[str]:
    # The OpenAPI paths are the public list of what is served; routers nest routes in version-specific ways.
    return allowed_methods(request.app.openapi(), request.url.path)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error on %s %s", request.method, request.url.path)
    return _msg(500, f"Internal gateway error ({type(exc).__name__}); the gateway log has details.")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    GatewayError: _gateway_error,
    RequestValidationError: _validation_error,
    StarletteHTTPException: _http_error,
    Exception: _unexpected_error,
}


def create_app(settings: GatewaySettings, authenticator: Authenticator | None = None) -> FastAPI:
    """Build the Livy-compatible app for ``settings``.

    :param settings: validated gateway settings.
    :param authenticator: the checks for the auth mode; built from ``settings`` when not given.
    :return: the ASGI app; the session and batch managers live in ``app.state.sessions`` and
        ``app.state.batches`` while it runs.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        manager = SessionManager(settings)
        manager.start()
        app.state.sessions = manager
        batches = BatchManager(settings)
        batches.start()
        app.state.batches = batches
        try:
            yield
        finally:
            await batches.shutdown()
            await manager.shutdown()

    app = FastAPI(
        title="sparkwire gateway",
        description="A Livy-compatible REST API backed by PySpark (Apache Livy 0.8 shapes).",
        version=VersionOut().version,
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,
    )
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/version", response_model=VersionOut, tags=["server"])
    async def version() -> VersionOut:
        from sparkwire import __version__

        from .kinds import runnable_kinds

        return VersionOut(revision=__version__, kinds=runnable_kinds())

    install_livy_openapi(app, auth_required=settings.auth_mode != "none")
    app.state.access = AccessPolicy.from_settings(settings)
    # The last added runs first: the Host check, then the body limit, then auth.
    app.add_middleware(
        AuthMiddleware, settings=settings, authenticator=authenticator or build_authenticator(settings)
    )
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    app.add_middleware(HostCheckMiddleware, settings=settings)
    return app
