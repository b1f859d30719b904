"""``/pool``: the warm pool of sessions started ahead of requests (not a Livy resource)."""

from __future__ import annotations

from fastapi import APIRouter

from .deps import Manager
from .models import PoolKindOut, PoolOut

__all__ = ["router"]

router = APIRouter(prefix="/pool", tags=["server"])


@router.get("", response_model=PoolOut)
async def get_pool(manager: Manager) -> PoolOut:
    kinds = {
        kind: PoolKindOut(size=s.size, ready=s.ready, starting=s.starting)
        for kind, s in manager.pool_status().items()
    }
    return PoolOut(
        size=sum(k.size for k in kinds.values()),
        ready=sum(k.ready for k in kinds.values()),
        starting=sum(k.starting for k in kinds.values()),
        kinds=kinds,
    )
