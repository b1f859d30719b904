"""``/batches``: submit, list, inspect and kill batch applications."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from .auth import authenticated_user
from .batches import BatchManager, BatchRun
from .deps import Access, DoAs, Paging, User, paging
from .models import AppInfo, BatchListOut, BatchOut, CreateBatchRequest, LogOut, MessageOut, SessionStateOut

__all__ = ["Batches", "ViewableBatch", "batch_out", "router"]

router = APIRouter(prefix="/batches", tags=["batches"])


def _batches(request: Request) -> BatchManager:
    manager: BatchManager = request.app.state.batches
    return manager


async def _batches_dependency(request: Request) -> BatchManager:
    return _batches(request)


# async: FastAPI would run a plain def dependency in its thread pool (see deps.py).
Batches = Annotated[BatchManager, Depends(_batches_dependency)]


async def _viewable_batch(batch_ref: str, request: Request) -> BatchRun:
    run = _batches(request).get(batch_ref)
    request.app.state.access.check_view(
        authenticated_user(request.scope), run.record.owner, f"batch {run.record.id}"
    )
    return run


async def _modifiable_batch(batch_ref: str, request: Request) -> BatchRun:
    run = _batches(request).get(batch_ref)
    request.app.state.access.check_modify(
        authenticated_user(request.scope), run.record.owner, f"batch {run.record.id}"
    )
    return run


ViewableBatch = Annotated[BatchRun, Depends(_viewable_batch)]
ModifiableBatch = Annotated[BatchRun, Depends(_modifiable_batch)]


def batch_out(run: BatchRun, base_url: str = "/") -> BatchOut:
    """:return: a batch in Livy's shape (``log`` holds its last 10 lines).

    :param base_url: the gateway's URL as the client reached it: while the batch runs, its Spark UI link
        points at the gateway's reverse proxy (``/batches/{id}/ui/``), not at the driver's own address.
    """
    record = run.record
    ui_url = f"{base_url}batches/{record.id}/ui/" if run.ui_port is not None else None
    return BatchOut(
        id=record.id,
        name=record.name,
        owner=record.owner,
        proxy_user=record.proxy_user,
        state=record.state,
        app_id=record.app_id,
        app_info=AppInfo(driver_log_url=None, spark_ui_url=ui_url),
        log=run.log.tail(10),
    )


@router.get("", response_model=BatchListOut)
async def list_batches(
    manager: Batches, page: Annotated[Paging, Depends(paging)], access: Access, user: User, request: Request
) -> BatchListOut:
    batches = [b for b in manager.list() if access.can_view(user, b.record.owner)]
    base_url = str(request.base_url)
    return BatchListOut(
        from_=page.from_, total=len(batches), sessions=[batch_out(b, base_url) for b in page.slice(batches)]
    )


@router.post("", status_code=201, response_model=BatchOut)
async def create_batch(
    body: CreateBatchRequest,
    manager: Batches,
    user: User,
    access: Access,
    response: Response,
    do_as: DoAs,
    request: Request,
) -> BatchOut:
    proxy_user = access.proxy_user(user, do_as or body.proxy_user)
    run = await manager.create(body.model_copy(update={"proxy_user": proxy_user}), owner=user)
    response.headers["Location"] = f"/batches/{run.record.id}"
    return batch_out(run, str(request.base_url))


@router.get("/{batch_ref}", response_model=BatchOut)
async def get_batch(batch_ref: str, run: ViewableBatch, request: Request) -> BatchOut:
    return batch_out(run, str(request.base_url))


@router.get("/{batch_ref}/state", response_model=SessionStateOut)
async def get_batch_state(batch_ref: str, run: ViewableBatch) -> SessionStateOut:
    record = run.record
    return SessionStateOut(id=record.id, state=record.state)


@router.get("/{batch_ref}/log", response_model=LogOut)
async def get_batch_log(
    batch_ref: str,
    run: ViewableBatch,
    from_: Annotated[int | None, Query(alias="from", ge=0)] = None,
    size: int = 100,
) -> LogOut:
    start, total, lines = await asyncio.to_thread(run.log.page, from_, size)
    return LogOut(id=run.record.id, from_=start, total=total, log=lines)


@router.delete("/{batch_ref}", response_model=MessageOut)
async def delete_batch(batch_ref: str, run: ModifiableBatch, manager: Batches) -> MessageOut:
    await manager.delete(run.record.id)
    return MessageOut(msg="deleted")
