"""``/sessions``: create, list, inspect and delete interactive sessions."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from .deps import Access, DoAs, Manager, ModifiableSession, Paging, User, ViewableSession, paging
from .models import (
    AppInfo,
    CreateSessionRequest,
    LogOut,
    MessageOut,
    SessionListOut,
    SessionOut,
    SessionStateOut,
)
from .session import FINAL_SESSION_STATES, InteractiveSession

__all__ = ["router", "session_out"]

router = APIRouter(prefix="/sessions", tags=["sessions"])


def session_out(session: InteractiveSession, base_url: str = "/") -> SessionOut:
    """:return: a session in Livy's shape (``log`` holds its last 10 lines).

    :param base_url: the gateway's URL as the client reached it: the Spark UI link points at the
        gateway's reverse proxy (``/sessions/{id}/ui/``), not at the UI's own loopback port.
    """
    info = session.info
    # An ended session's UI ended with it: no link to a page that cannot answer.
    live = session.spark_ui_url and session.state not in FINAL_SESSION_STATES
    ui_url = f"{base_url}sessions/{info.id}/ui/" if live else None
    return SessionOut(
        id=info.id,
        name=info.name,
        app_id=session.app_id,
        owner=info.owner,
        proxy_user=info.proxy_user,
        state=session.state,
        kind=info.kind,
        app_info=AppInfo(driver_log_url=None, spark_ui_url=ui_url),
        log=session.log.tail(10),
    )


@router.get("", response_model=SessionListOut)
async def list_sessions(
    manager: Manager, page: Annotated[Paging, Depends(paging)], access: Access, user: User, request: Request
) -> SessionListOut:
    sessions = [s for s in manager.list() if access.can_view(user, s.info.owner)]
    return SessionListOut(
        from_=page.from_,
        total=len(sessions),
        sessions=[session_out(s, str(request.base_url)) for s in page.slice(sessions)],
    )


@router.post("", status_code=201, response_model=SessionOut)
async def create_session(
    body: CreateSessionRequest,
    manager: Manager,
    user: User,
    access: Access,
    response: Response,
    request: Request,
    do_as: DoAs,
) -> SessionOut:
    proxy_user = access.proxy_user(user, do_as or body.proxy_user)
    session = await manager.create(body.model_copy(update={"proxy_user": proxy_user}), owner=user)
    response.headers["Location"] = f"/sessions/{session.info.id}"
    return session_out(session, str(request.base_url))


@router.get("/{session_ref}", response_model=SessionOut)
async def get_session(session_ref: str, session: ViewableSession, request: Request) -> SessionOut:
    session.heartbeat()
    return session_out(session, str(request.base_url))


@router.get("/{session_ref}/state", response_model=SessionStateOut)
async def get_session_state(session_ref: str, session: ViewableSession) -> SessionStateOut:
    session.heartbeat()
    return SessionStateOut(id=session.info.id, state=session.state)


@router.post("/{session_ref}/connect", response_model=SessionOut)
async def connect_session(session_ref: str, session: ModifiableSession, request: Request) -> SessionOut:
    session.touch()
    return session_out(session, str(request.base_url))


@router.get("/{session_ref}/log", response_model=LogOut)
async def get_session_log(
    session_ref: str,
    session: ViewableSession,
    from_: Annotated[int | None, Query(alias="from", ge=0)] = None,
    size: int = 100,
) -> LogOut:
    session.heartbeat()
    start, total, lines = await asyncio.to_thread(session.log.page, from_, size)
    return LogOut(id=session.info.id, from_=start, total=total, log=lines)


@router.delete("/{session_ref}", response_model=MessageOut)
async def delete_session(session_ref: str, session: ModifiableSession, manager: Manager) -> MessageOut:
    await manager.delete(session.info.id)
    return MessageOut(msg="deleted")
