"""``GET /sessions/{id}/statements/{sid}/jobs``: a statement's Spark jobs and stages (not in Livy).

An extension of Livy's statement resource, so clients can show live job, stage and task progress
under a cell; on a real Livy the route does not exist (404) and clients fall back to ``progress``.
The session process reads the jobs from Spark's status tracker (see ``worker/jobs.py`` for the shape).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from .deps import Manager

__all__ = ["StatementJobsOut", "router"]

router = APIRouter(prefix="/sessions/{session_ref}", tags=["statements"])


class StatementJobsOut(BaseModel):
    """A statement's state and its Spark jobs, oldest first (each with its stages)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)

    statement_id: int
    state: str
    progress: float
    jobs: list[dict[str, Any]]


@router.get("/statements/{statement_id}/jobs", response_model=StatementJobsOut)
async def statement_jobs(session_ref: str, statement_id: int, manager: Manager) -> StatementJobsOut:
    session = manager.get(session_ref)
    session.heartbeat()
    record = session.statement(statement_id)
    return StatementJobsOut(
        statement_id=record.id, state=record.state, progress=record.progress, jobs=record.jobs
    )
