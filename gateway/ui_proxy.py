"""``/sessions/{id}/ui/``: each session's Spark UI through the gateway, behind the gateway's auth.

Spark UIs listen on loopback only (see ``session_network``), so the proxy is the one way in from
another machine, and it checks the same access rules as the session itself. Spark builds its links
from ``X-Forwarded-Context``, so pages and redirects stay under the proxied path. Only GET and HEAD
pass: the UI is for looking; statements are cancelled through the API.
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from .deps import ViewableSession
from .errors import BadRequest, SparkUiUnavailable

__all__ = ["router"]

router = APIRouter(prefix="/sessions/{session_ref}", tags=["spark ui"])

# Hop-by-hop headers (RFC 9110 7.6.1) and the ones httpx's decoding makes wrong.
_DROPPED = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                      "proxy-authenticate", "proxy-authorization", "content-encoding", "content-length"})
_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


@router.get("/ui", include_in_schema=False)
async def ui_root(session_ref: str, session: ViewableSession) -> RedirectResponse:
    return RedirectResponse(f"/sessions/{session.info.id}/ui/", status_code=307)


@router.api_route("/ui/{path:path}", methods=["GET", "HEAD"], summary="The session's Spark UI")
async def spark_ui(session_ref: str, path: str, session: ViewableSession, request: Request) -> Response:
    target = session.spark_ui_url
    if not target:
        raise SparkUiUnavailable(f"Session {session.info.id} has no Spark UI now (state {session.state}, or the UI is "
                         f"disabled with spark.ui.enabled=false).")
    prefix = f"/sessions/{session.info.id}/ui"
    url = f"{target.rstrip('/')}/{path}"
    headers = {"X-Forwarded-Context": prefix, "Accept": request.headers.get("accept", "*/*")}
    try:
        async with httpx.AsyncClient(timeout=_TIMEOUT, follow_redirects=False) as client:
            upstream = await client.request(request.method, url, params=request.query_params, headers=headers)
    except httpx.HTTPError as exc:
        raise BadRequest(f"The Spark UI of session {session.info.id} did not answer ({type(exc).__name__}); "
                         f"the session may be stopping.") from None
    kept = {k: v for k, v in upstream.headers.items() if k.lower() not in _DROPPED}
    location = kept.get("location")
    if location and location.startswith(target.rstrip("/")):
        kept["location"] = prefix + location[len(target.rstrip("/")):]
    elif location and location.startswith("/") and not location.startswith(prefix):
        kept["location"] = prefix + location
    return Response(upstream.content, status_code=upstream.status_code, headers=kept)
