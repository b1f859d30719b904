"""Small FastAPI dependencies shared by the routers.

Every dependency is an ``async def``: FastAPI runs a plain ``def`` one in its thread pool, a thread hop
on every request (0.1-0.3 ms of a trivial statement's round trip on a busy machine). These only read
the app's state, so they belong on the event loop, where every state change happens anyway.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from .access import AccessPolicy
from .auth import authenticated_user
from .session import InteractiveSession
from .sessions import SessionManager
from .validation import ShortText

__all__ = [
    "Access",
    "DoAs",
    "Manager",
    "ModifiableSession",
    "Paging",
    "User",
    "ViewableSession",
    "do_as",
    "paging",
]


def _manager(request: Request) -> SessionManager:
    manager: SessionManager = request.app.state.sessions
    return manager


def _user(request: Request) -> str | None:
    return authenticated_user(request.scope)


def _access(request: Request) -> AccessPolicy:
    policy: AccessPolicy = request.app.state.access
    return policy


async def _viewable_session(session_ref: str, request: Request) -> InteractiveSession:
    session = _manager(request).get(session_ref)
    _access(request).check_view(_user(request), session.info.owner, f"session {session.info.id}")
    return session


async def _modifiable_session(session_ref: str, request: Request) -> InteractiveSession:
    session = _manager(request).get(session_ref)
    _access(request).check_modify(_user(request), session.info.owner, f"session {session.info.id}")
    return session


class Paging:
    """Livy's ``from`` / ``size`` query parameters for lists."""

    def __init__(self, from_: int, size: int) -> None:
        self.from_ = from_
        self.size = size

    def slice(self, items: list) -> list:  # type: ignore[type-arg]
        """:return: the requested page of ``items``."""
        return items[self.from_ : self.from_ + self.size]


async def paging(
    from_: Annotated[int, Query(alias="from", ge=0)] = 0, size: Annotated[int, Query(ge=0)] = 100
) -> Paging:
    """Validate paging; negative values are a 400 (declared in the spec), not an empty page or a 500."""
    return Paging(from_, size)


async def do_as(do_as: Annotated[ShortText | None, Query(alias="doAs")] = None) -> str | None:
    """Livy's ``doAs`` query parameter (the user to impersonate)."""
    return do_as


async def _manager_dependency(request: Request) -> SessionManager:
    return _manager(request)


async def _user_dependency(request: Request) -> str | None:
    return _user(request)


async def _access_dependency(request: Request) -> AccessPolicy:
    return _access(request)


Manager = Annotated[SessionManager, Depends(_manager_dependency)]
User = Annotated[str | None, Depends(_user_dependency)]
Access = Annotated[AccessPolicy, Depends(_access_dependency)]
ViewableSession = Annotated[InteractiveSession, Depends(_viewable_session)]
ModifiableSession = Annotated[InteractiveSession, Depends(_modifiable_session)]
DoAs = Annotated[str | None, Depends(do_as)]
