"""``/pool``: the warm pool of sessions started ahead of requests (not a Livy resource)."""

from __future__ import annotations

from fastapi import APIRouter

from .deps import Manager
from .models import PoolOut

__all__ = ["router"]

router = APIRouter(prefix="/pool", tags=["server"])


@router.get("", response_model=PoolOut)
async def get_pool(manager: Manager) -> PoolOut:
    status = manager.pool_status()
    return PoolOut(size=status.size, ready=status.ready, starting=status.starting)
