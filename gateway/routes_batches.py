"""``/batches``: submit, list, inspect and kill batch applications."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from .batch_store import BatchRun
from .batches import BatchManager
from .deps import DoAs, Paging, User, paging
from .models import AppInfo, BatchListOut, BatchOut, CreateBatchRequest, LogOut, MessageOut, SessionStateOut

__all__ = ["batch_out", "router"]

router = APIRouter(prefix="/batches", tags=["batches"])


def _batches(request: Request) -> BatchManager:
    manager: BatchManager = request.app.state.batches
    return manager


Batches = Annotated[BatchManager, Depends(_batches)]


def batch_out(run: BatchRun) -> BatchOut:
    """:return: a batch in Livy's shape (``log`` holds its last 10 lines)."""
    record = run.record
    return BatchOut(
        id=record.id, name=record.name, owner=record.owner, proxy_user=record.proxy_user, state=record.state,
        app_id=record.app_id, app_info=AppInfo(driver_log_url=None, spark_ui_url=record.spark_ui_url),
        log=run.log.tail(10),
    )


@router.get("", response_model=BatchListOut)
async def list_batches(manager: Batches, page: Annotated[Paging, Depends(paging)]) -> BatchListOut:
    batches = manager.list()
    return BatchListOut(from_=page.from_, total=len(batches), sessions=[batch_out(b) for b in page.slice(batches)])


@router.post("", status_code=201, response_model=BatchOut)
async def create_batch(body: CreateBatchRequest, manager: Batches, user: User, response: Response,
                       do_as: DoAs) -> BatchOut:
    run = await manager.create(body, owner=user, do_as=do_as)
    response.headers["Location"] = f"/batches/{run.record.id}"
    return batch_out(run)


@router.get("/{batch_ref}", response_model=BatchOut)
async def get_batch(batch_ref: str, manager: Batches) -> BatchOut:
    return batch_out(manager.get(batch_ref))


@router.get("/{batch_ref}/state", response_model=SessionStateOut)
async def get_batch_state(batch_ref: str, manager: Batches) -> SessionStateOut:
    record = manager.get(batch_ref).record
    return SessionStateOut(id=record.id, state=record.state)


@router.get("/{batch_ref}/log", response_model=LogOut)
async def get_batch_log(batch_ref: str, manager: Batches,
                        from_: Annotated[int | None, Query(alias="from", ge=0)] = None,
                        size: int = 100) -> LogOut:
    run = manager.get(batch_ref)
    start, total, lines = run.log.page(from_, size)
    return LogOut(id=run.record.id, from_=start, total=total, log=lines)


@router.delete("/{batch_ref}", response_model=MessageOut)
async def delete_batch(batch_ref: str, manager: Batches) -> MessageOut:
    await manager.delete(batch_ref)
    return MessageOut(msg="deleted")
