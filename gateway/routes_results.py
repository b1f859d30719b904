"""``/sessions/{id}/results/{token}``: a query result as an Arrow IPC stream (not a Livy resource).

sparkwire's SQL helper, running in the session, writes a large result to a file in the session's
folder instead of printing it as base64 into the statement's output, when the client said the server
serves such files (``/version`` lists ``arrow-results`` among its ``extensions``). The client then
fetches the bytes here: no base64, no JSON, no copy in the gateway's memory. A file is served once
(renamed when claimed, deleted once sent); the helper also removes older ones when it writes a new one.
"""

from __future__ import annotations

import re
import secrets

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from .deps import ViewableSession
from .errors import ResultNotFound

__all__ = ["ARROW_STREAM_MIME", "router"]

ARROW_STREAM_MIME = "application/vnd.apache.arrow.stream"
_TOKEN = re.compile(r"[0-9a-f]{32}")

router = APIRouter(prefix="/sessions/{session_ref}", tags=["statements"])


class _ResultFile(FileResponse):
    # Starlette reads a file in 64 kB pieces, each through a worker thread: 500 hops for a 32 MB
    # result, a third of its transfer time on a busy machine. 4 MB pieces keep the memory bounded.
    chunk_size = 4 * 1024 * 1024


@router.get(
    "/results/{token}",
    response_class=FileResponse,
    responses={200: {"content": {ARROW_STREAM_MIME: {}}, "description": "The result's Arrow IPC stream."}},
)
async def get_result(session_ref: str, token: str, session: ViewableSession) -> FileResponse:
    session.heartbeat()
    path = session.result_file(token) if _TOKEN.fullmatch(token) else None
    # Claimed by an atomic rename before it is served: a second request for it finds nothing, even
    # while the first is still being answered.
    claimed = path.with_name(f"{token}.{secrets.token_hex(8)}.serving") if path is not None else None
    try:
        if path is None or claimed is None:
            raise FileNotFoundError(token)
        path.rename(claimed)
    except FileNotFoundError:
        raise ResultNotFound(
            f"Session {session.info.id} holds no result {token!r}: it was fetched already, or a "
            "newer query replaced it. Run the query again."
        ) from None
    return _ResultFile(
        claimed, media_type=ARROW_STREAM_MIME, background=BackgroundTask(claimed.unlink, missing_ok=True)
    )
