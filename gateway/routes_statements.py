"""``/sessions/{id}/statements`` and ``/completion``: run code in a session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from .deps import Manager, Paging, paging
from .models import (
    CompletionOut,
    CompletionRequest,
    CreateStatementRequest,
    MessageOut,
    StatementListOut,
    StatementOut,
)
from .session import StatementRecord

__all__ = ["router"]

router = APIRouter(prefix="/sessions/{session_ref}", tags=["statements"])


def statement_out(record: StatementRecord) -> StatementOut:
    """:return: a statement in Livy's shape."""
    return StatementOut(id=record.id, code=record.code, state=record.state, output=record.output,
                        progress=record.progress, started=record.started, completed=record.completed)


@router.get("/statements", response_model=StatementListOut)
async def list_statements(session_ref: str, manager: Manager, page: Annotated[Paging, Depends(paging)],
                          order: Annotated[str | None, Query(pattern="^(asc|desc)$")] = None) -> StatementListOut:
    session = manager.get(session_ref)
    session.heartbeat()
    records = session.statements()
    if order == "desc":
        records.reverse()
    return StatementListOut(total_statements=len(records),
                            statements=[statement_out(r) for r in page.slice(records)])


@router.post("/statements", status_code=201, response_model=StatementOut)
async def submit_statement(session_ref: str, body: CreateStatementRequest, manager: Manager,
                           response: Response) -> StatementOut:
    session = manager.get(session_ref)
    record = session.submit(body.code, body.kind)
    response.headers["Location"] = f"/sessions/{session.info.id}/statements/{record.id}"
    return statement_out(record)


@router.get("/statements/{statement_id}", response_model=StatementOut)
async def get_statement(session_ref: str, statement_id: int, manager: Manager) -> StatementOut:
    session = manager.get(session_ref)
    session.heartbeat()
    return statement_out(session.statement(statement_id))


@router.post("/statements/{statement_id}/cancel", response_model=MessageOut)
async def cancel_statement(session_ref: str, statement_id: int, manager: Manager) -> MessageOut:
    session = manager.get(session_ref)
    session.heartbeat()
    await session.cancel(statement_id)
    return MessageOut(msg="canceled")  # Livy's spelling


@router.post("/completion", response_model=CompletionOut)
async def complete(session_ref: str, body: CompletionRequest, manager: Manager) -> CompletionOut:
    session = manager.get(session_ref)
    session.heartbeat()
    return CompletionOut(candidates=await session.complete(body.code, body.kind, body.cursor))
