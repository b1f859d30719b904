"""Small FastAPI dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from .auth import authenticated_user
from .sessions import SessionManager
from .validation import ShortText

__all__ = ["DoAs", "Manager", "Paging", "User", "do_as", "paging"]


def _manager(request: Request) -> SessionManager:
    manager: SessionManager = request.app.state.sessions
    return manager


def _user(request: Request) -> str | None:
    return authenticated_user(request.scope)


class Paging:
    """Livy's ``from`` / ``size`` query parameters for lists."""

    def __init__(self, from_: int, size: int) -> None:
        self.from_ = from_
        self.size = size

    def slice(self, items: list) -> list:  # type: ignore[type-arg]
        """:return: the requested page of ``items``."""
        return items[self.from_:self.from_ + self.size]


def paging(from_: Annotated[int, Query(alias="from", ge=0)] = 0,
           size: Annotated[int, Query(ge=0)] = 100) -> Paging:
    """Validate paging; negative values are a 400 (declared in the spec), not an empty page or a 500."""
    return Paging(from_, size)


def do_as(do_as: Annotated[ShortText | None, Query(alias="doAs")] = None) -> str | None:
    """Livy's ``doAs`` query parameter (the user to impersonate)."""
    return do_as


Manager = Annotated[SessionManager, Depends(_manager)]
User = Annotated[str | None, Depends(_user)]
DoAs = Annotated[str | None, Depends(do_as)]
