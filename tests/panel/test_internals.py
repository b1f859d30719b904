"""The server extension's small parts that need no server: ages, paging, error mapping, endpoints."""

from __future__ import annotations

import pytest

from sparkwire.engine.errors import ConfigError
from sparkwire.livy import (
    AuthenticationFailed,
    BadRequest,
    BasicAuth,
    BatchNotFound,
    EndpointUnreachable,
    InvalidResponse,
    LivyTimeout,
    NoAuth,
    ServerError,
    SessionNotFound,
)
from sparkwire.panel import Endpoint
from sparkwire.panel._errors import PanelRequestError, error_answer
from sparkwire.panel._state import FirstSeen
from sparkwire.panel.handlers import _list_all


def test_first_seen_keeps_the_first_time_and_forgets_ids_no_longer_listed() -> None:
    now = [100.0]
    seen = FirstSeen(clock=lambda: now[0])
    assert seen.stamp("e", "session", [1, 2], complete=True) == {1: 100.0, 2: 100.0}
    now[0] = 160.0
    assert seen.stamp("e", "session", [2, 3], complete=True) == {2: 100.0, 3: 160.0}
    now[0] = 200.0
    # A restarted server reuses id 1: it is new again, since the full list dropped it.
    assert seen.stamp("e", "session", [1], complete=False) == {1: 200.0}
    assert seen.stamp("e", "batch", [2], complete=True) == {2: 200.0}  # kinds are apart


def test_first_seen_names_the_items_older_than_the_first_listing() -> None:
    """Batches a gateway recovered from earlier runs are listed at once: their age is only a lower bound."""
    now = [100.0]
    seen = FirstSeen(clock=lambda: now[0])
    seen.stamp("e", "batch", [5], complete=False)  # created through the panel before any listing
    seen.stamp("e", "batch", [1, 2, 5], complete=True)
    assert seen.earlier("e", "batch") == {1, 2}
    now[0] = 160.0
    seen.stamp("e", "batch", [2, 5, 6], complete=True)  # 1 is gone, 6 is new: seen being made
    assert seen.earlier("e", "batch") == {2}
    seen.stamp("e", "batch", [2, 6], complete=False)  # a partial listing knows nothing of the rest
    assert seen.earlier("e", "batch") == {2}
    assert seen.earlier("e", "session") == frozenset()
    seen.stamp("e", "session", [], complete=True)
    seen.stamp("e", "session", [3], complete=True)
    assert seen.earlier("e", "session") == frozenset()  # the first listing was empty


def test_listing_pages_through_livy_until_the_total_or_the_limit() -> None:
    items = list(range(250))
    asked: list[tuple[int, int]] = []

    def fetch(start: int, size: int) -> tuple[list[int], int]:
        asked.append((start, size))
        return items[start : start + size], len(items)

    assert _list_all(fetch, 1000) == (items, True)  # type: ignore[arg-type]
    assert asked == [(0, 100), (100, 100), (200, 100)]
    assert _list_all(fetch, 150) == (items[:150], False)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (SessionNotFound("Session 3 not found", status=404), 404),
        (BatchNotFound("Batch 3 not found"), 404),
        (BadRequest("bad kind", status=400), 400),
        (AuthenticationFailed("401 from http://livy", status=401), 502),
        (EndpointUnreachable("refused"), 502),
        (ServerError("500 inside Livy", status=500), 502),
        (InvalidResponse("HTML, not JSON"), 502),
        (LivyTimeout("took too long"), 504),
        (ConfigError("~/.sparkwire/config.json: bad"), 500),
        (PanelRequestError("no such endpoint", 404), 404),
        (PanelRequestError("bad JSON"), 400),
    ],
)
def test_errors_map_to_statuses_with_their_messages(error: Exception, status: int) -> None:
    answer = error_answer(error)
    assert answer.status == status
    assert answer.message == str(error)


def test_unexpected_errors_give_no_details_beyond_their_class() -> None:
    answer = error_answer(KeyError("password=hunter2"))
    assert answer.status == 500 and answer.reason == "InternalError"
    assert "KeyError" in answer.message and "hunter2" not in answer.message


def test_endpoints_show_no_credentials() -> None:
    inline = Endpoint("a", "http://bob:hunter2@livy:8998")
    basic = Endpoint("b", "https://livy:8998", auth=BasicAuth("alice", "hunter2"))
    none = Endpoint("c", "http://livy:8998", auth=NoAuth())
    assert (inline.public_url, inline.auth_kind) == ("http://livy:8998", "basic")
    assert (basic.public_url, basic.auth_kind) == ("https://livy:8998", "basic")
    assert none.auth_kind == "none"
    assert "hunter2" not in repr(basic.cache_key())
