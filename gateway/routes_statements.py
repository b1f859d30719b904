"""``/sessions/{id}/statements`` and ``/completion``: run code in a session."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse

from .deps import ModifiableSession, Paging, ViewableSession, paging
from .long_poll import MAX_WAIT_SECONDS
from .models import (
    CompletionOut,
    CompletionRequest,
    CreateStatementRequest,
    MessageOut,
    StatementListOut,
    StatementOut,
)
from .output_stream import statement_list_response, statement_response
from .session import InteractiveSession, StatementRecord

__all__ = ["router"]

router = APIRouter(prefix="/sessions/{session_ref}", tags=["statements"])

# sparkwire's extension (long_poll.py): answer once the statement is finished, waiting at most this long.
Wait = Annotated[
    float | None,
    Query(
        ge=0,
        le=MAX_WAIT_SECONDS,
        allow_inf_nan=False,
        description=(
            "sparkwire extension (listed in /version's extensions as statement-wait): answer as soon as the "
            "statement is finished, or after this many seconds."
        ),
    ),
]


def statement_out(record: StatementRecord) -> StatementOut:
    """:return: a statement in Livy's shape."""
    return StatementOut(
        id=record.id,
        code=record.code,
        state=record.state,
        output=record.output,
        progress=record.progress,
        started=record.started,
        completed=record.completed,
    )


@router.get("/statements", response_model=StatementListOut)
async def list_statements(
    session_ref: str,
    session: ViewableSession,
    page: Annotated[Paging, Depends(paging)],
    order: Annotated[str | None, Query(pattern="^(asc|desc)$")] = None,
) -> StatementListOut | StreamingResponse:
    session.heartbeat()
    records = session.statements()
    if order == "desc":
        records.reverse()
    shown = page.slice(records)
    # Streamed one statement at a time: a page of large outputs never becomes one body in memory.
    return statement_list_response(len(records), [(statement_out(r), _spill_file(session, r)) for r in shown])


def _spill_file(session: InteractiveSession, record: StatementRecord) -> Path | None:
    return session.output_file(record) if record.spilled else None


@router.post("/statements", status_code=201, response_model=StatementOut)
async def submit_statement(
    session_ref: str,
    body: CreateStatementRequest,
    session: ModifiableSession,
    response: Response,
    wait: Wait = None,
) -> StatementOut | StreamingResponse:
    record = session.submit(body.code, body.kind)
    location = f"/sessions/{session.info.id}/statements/{record.id}"
    response.headers["Location"] = location
    if wait:
        await session.wait_finished(record, wait)
    if record.spilled:
        return statement_response(
            statement_out(record),
            session.output_file(record),
            status_code=201,
            headers={"Location": location},
        )
    return statement_out(record)


@router.get("/statements/{statement_id}", response_model=StatementOut)
async def get_statement(
    session_ref: str, statement_id: int, session: ViewableSession, wait: Wait = None
) -> StatementOut | StreamingResponse:
    session.heartbeat()
    record = session.statement(statement_id)
    if wait:
        await session.wait_finished(record, wait)
    if record.spilled:
        return statement_response(statement_out(record), session.output_file(record))
    return statement_out(record)


@router.post("/statements/{statement_id}/cancel", response_model=MessageOut)
async def cancel_statement(session_ref: str, statement_id: int, session: ModifiableSession) -> MessageOut:
    session.heartbeat()
    await session.cancel(statement_id)
    return MessageOut(msg="canceled")  # Livy's spelling


@router.post("/completion", response_model=CompletionOut)
async def complete(session_ref: str, body: CompletionRequest, session: ModifiableSession) -> CompletionOut:
    session.heartbeat()
    return CompletionOut(candidates=await session.complete(body.code, body.kind, body.cursor))
