"""The retry policy configured per endpoint, and what a 503 on a request that is not repeated says.

A fake server: a 503 from a proxy in front of Livy after it passed the request on cannot be produced
by the real gateway on demand."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sparkwire.engine.config import parse_config
from sparkwire.engine.endpoints import make_client
from sparkwire.livy import BatchSpec, LivyClient, ServerError

from .conftest import Exchange, FakeLivy


def unavailable(exchange: Exchange) -> None:
    exchange.reply_json(503, {"message": "upstream timed out"})


@pytest.mark.parametrize("max_retries", [0, 2])
def test_safe_requests_are_repeated_as_the_endpoint_says(fake_livy: FakeLivy, max_retries: int) -> None:
    fake_livy.route("GET", "/sessions", unavailable)
    policy = {"max_retries": max_retries, "backoff": 0.001, "cap": 0.01}
    config = parse_config(
        {"endpoints": {"e": {"url": fake_livy.url, "retry_policy": policy}}}, source="f.json"
    )
    with make_client(config.endpoint("e")) as client, pytest.raises(ServerError) as info:
        client.list_sessions()
    assert len(fake_livy.seen("GET", "/sessions")) == max_retries + 1
    assert ("tried 3 times" in str(info.value)) == (max_retries == 2)


CALLS: dict[str, Callable[[LivyClient], object]] = {
    "/sessions/4/statements": lambda client: client.submit_statement(4, "1 + 1"),
    "/sessions": lambda client: client.create_session(),
    "/batches": lambda client: client.create_batch(BatchSpec(file="/jobs/pi.py")),
}


@pytest.mark.parametrize(("path", "words"), [
    ("/sessions/4/statements", "the statement may have run. List session 4's statements"),
    ("/sessions", "a session may have been created. List the sessions"),
    ("/batches", "a batch may have been submitted. List the batches"),
])  # fmt: skip
def test_a_503_on_a_post_is_not_repeated_and_says_how_to_check(
    fake_livy: FakeLivy, path: str, words: str
) -> None:
    fake_livy.route("POST", path, unavailable)
    config = parse_config(
        {"endpoints": {"e": {"url": fake_livy.url, "retry_policy": {"max_retries": 5, "backoff": 0.001}}}},
        source="f",
    )
    with make_client(config.endpoint("e")) as client, pytest.raises(ServerError) as info:
        CALLS[path](client)
    assert len(fake_livy.seen("POST", path)) == 1
    assert words in str(info.value) and "before" in str(info.value)
