"""``/sessions/{id}/ui/`` and ``/batches/{id}/ui/``: each Spark UI through the gateway, behind its auth.

Spark UIs listen on loopback only (see ``session_network``), so the proxy is the one way in from
another machine, and it checks the same access rules as the session or batch itself. Spark builds its
links from ``X-Forwarded-Context``, so pages and redirects stay under the proxied path. Only GET and HEAD
pass: the UI is for looking; statements are cancelled and batches killed through the API.

A batch's UI port is the one the gateway gave it (``spark.ui.port``), proxied once the driver's log says
the UI started there, and only while the batch runs.
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from .deps import ViewableSession
from .errors import BadRequest, SparkUiUnavailable
from .routes_batches import Batches, ViewableBatch
from .session import FINAL_SESSION_STATES

__all__ = ["router"]

router = APIRouter(tags=["spark ui"])

# Hop-by-hop headers (RFC 9110 7.6.1) and the ones httpx's decoding makes wrong.
_DROPPED = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-authenticate",
        "proxy-authorization",
        "content-encoding",
        "content-length",
    }
)
_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


async def _forward(target: str, prefix: str, path: str, request: Request, what: str) -> Response:
    """Send ``request`` to the UI at ``target``; rewrite redirects to stay under ``prefix``."""
    url = f"{target.rstrip('/')}/{path}"
    headers = {"X-Forwarded-Context": prefix, "Accept": request.headers.get("accept", "*/*")}
    try:
        async with httpx.AsyncClient(timeout=_TIMEOUT, follow_redirects=False) as client:
            upstream = await client.request(request.method, url, params=request.query_params, headers=headers)
    except httpx.HTTPError as exc:
        raise BadRequest(
            f"The Spark UI of {what} did not answer ({type(exc).__name__}); it may be stopping."
        ) from None
    kept = {k: v for k, v in upstream.headers.items() if k.lower() not in _DROPPED}
    location = kept.get("location")
    if location and location.startswith(target.rstrip("/")):
        kept["location"] = prefix + location[len(target.rstrip("/")) :]
    elif location and location.startswith("/") and not location.startswith(prefix):
        kept["location"] = prefix + location
    return Response(upstream.content, status_code=upstream.status_code, headers=kept)


@router.get("/sessions/{session_ref}/ui", include_in_schema=False)
async def session_ui_root(session_ref: str, session: ViewableSession) -> RedirectResponse:
    return RedirectResponse(f"/sessions/{session.info.id}/ui/", status_code=307)


@router.api_route(
    "/sessions/{session_ref}/ui/{path:path}", methods=["GET", "HEAD"], summary="The session's Spark UI"
)
async def spark_ui(session_ref: str, path: str, session: ViewableSession, request: Request) -> Response:
    target = session.spark_ui_url
    if session.state in FINAL_SESSION_STATES:
        raise SparkUiUnavailable(
            f"Session {session.info.id} has ended ({session.state}), and its Spark UI ended with "
            f"it; its log stays at /sessions/{session.info.id}/log."
        )
    if not target:
        raise SparkUiUnavailable(
            f"Session {session.info.id} has no Spark UI now (state {session.state}, or the UI is "
            f"disabled with spark.ui.enabled=false)."
        )
    return await _forward(
        target, f"/sessions/{session.info.id}/ui", path, request, f"session {session.info.id}"
    )


@router.get("/batches/{batch_ref}/ui", include_in_schema=False)
async def batch_ui_root(batch_ref: str, run: ViewableBatch) -> RedirectResponse:
    return RedirectResponse(f"/batches/{run.record.id}/ui/", status_code=307)


@router.api_route(
    "/batches/{batch_ref}/ui/{path:path}", methods=["GET", "HEAD"], summary="The batch's Spark UI"
)
async def batch_spark_ui(
    batch_ref: str, path: str, run: ViewableBatch, manager: Batches, request: Request
) -> Response:
    record = run.record
    target = manager.ui_target(run)
    if target is None:
        if record.is_final:
            why = (
                f"Batch {record.id} has ended ({record.state}), and its Spark UI ended with it; its log stays at "
                f"/batches/{record.id}/log."
            )
        elif record.ui_port is None:
            why = f"Batch {record.id} runs with its Spark UI disabled (spark.ui.enabled=false)."
        else:
            why = (
                f"Batch {record.id} has no Spark UI yet (state {record.state}): it appears once the application "
                f"has started its SparkContext, if it starts one."
            )
        raise SparkUiUnavailable(why)
    return await _forward(target, f"/batches/{record.id}/ui", path, request, f"batch {record.id}")
