"""``/sessions``: create, list, inspect and delete interactive sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from .deps import DoAs, Manager, Paging, User, paging
from .models import (
    AppInfo,
    CreateSessionRequest,
    LogOut,
    MessageOut,
    SessionListOut,
    SessionOut,
    SessionStateOut,
)
from .session import InteractiveSession

__all__ = ["router", "session_out"]

router = APIRouter(prefix="/sessions", tags=["sessions"])


def session_out(session: InteractiveSession) -> SessionOut:
    """:return: a session in Livy's shape (``log`` holds its last 10 lines)."""
    info = session.info
    return SessionOut(
        id=info.id, name=info.name, app_id=session.app_id, owner=info.owner, proxy_user=info.proxy_user,
        state=session.state, kind=info.kind,
        app_info=AppInfo(driver_log_url=None, spark_ui_url=session.spark_ui_url),
        log=session.log.tail(10),
    )


@router.get("", response_model=SessionListOut)
async def list_sessions(manager: Manager, page: Annotated[Paging, Depends(paging)]) -> SessionListOut:
    sessions = manager.list()
    return SessionListOut(from_=page.from_, total=len(sessions),
                          sessions=[session_out(s) for s in page.slice(sessions)])


@router.post("", status_code=201, response_model=SessionOut)
async def create_session(body: CreateSessionRequest, manager: Manager, user: User, response: Response,
                         do_as: DoAs) -> SessionOut:
    session = await manager.create(body, owner=user, do_as=do_as)
    response.headers["Location"] = f"/sessions/{session.info.id}"
    return session_out(session)


@router.get("/{session_ref}", response_model=SessionOut)
async def get_session(session_ref: str, manager: Manager) -> SessionOut:
    session = manager.get(session_ref)
    session.heartbeat()
    return session_out(session)


@router.get("/{session_ref}/state", response_model=SessionStateOut)
async def get_session_state(session_ref: str, manager: Manager) -> SessionStateOut:
    session = manager.get(session_ref)
    session.heartbeat()
    return SessionStateOut(id=session.info.id, state=session.state)


@router.post("/{session_ref}/connect", response_model=SessionOut)
async def connect_session(session_ref: str, manager: Manager) -> SessionOut:
    session = manager.get(session_ref)
    session.touch()
    return session_out(session)


@router.get("/{session_ref}/log", response_model=LogOut)
async def get_session_log(session_ref: str, manager: Manager,
                          from_: Annotated[int | None, Query(alias="from", ge=0)] = None,
                          size: int = 100) -> LogOut:
    session = manager.get(session_ref)
    session.heartbeat()
    start, total, lines = session.log.page(from_, size)
    return LogOut(id=session.info.id, from_=start, total=total, log=lines)


@router.delete("/{session_ref}", response_model=MessageOut)
async def delete_session(session_ref: str, manager: Manager) -> MessageOut:
    await manager.delete(session_ref)
    return MessageOut(msg="deleted")
