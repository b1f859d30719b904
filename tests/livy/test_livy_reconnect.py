"""The bounded ride-through of a restarting server, as a pure function (no server needed).

The end-to-end case, a real gateway killed and restarted under a real kernel, is in
tests/kernel/test_gateway_restart.py.
"""

from __future__ import annotations

import pytest

from sparkwire.livy import EndpointUnreachable
from sparkwire.livy._reconnect import poll_through_restart


def _refusing(times: int) -> tuple[list[int], object]:
    calls: list[int] = []

    def poll() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise EndpointUnreachable(
                "GET http://127.0.0.1:1/sessions/0 failed: the connection was refused.",
                url="http://127.0.0.1:1/sessions/0",
            )
        return "answer"

    return calls, poll


def test_a_poll_that_gets_through_again_returns_and_says_so() -> None:
    calls, poll = _refusing(2)
    notices: list[str] = []
    result = poll_through_restart(poll, wait=5, on_notice=notices.append, url="http://gw", interval=0.01)  # type: ignore[arg-type]
    assert result == "answer" and len(calls) == 3
    assert notices[0].startswith("gateway restarting? http://gw is not answering")
    assert notices[1].startswith("… reconnected to http://gw after")


def test_the_wait_is_bounded_and_the_error_says_how_long_it_tried() -> None:
    _, poll = _refusing(10**6)
    with pytest.raises(EndpointUnreachable, match=r"did not come back within 0.2 s"):
        poll_through_restart(poll, wait=0.2, on_notice=None, url="http://gw", interval=0.05)  # type: ignore[arg-type]


def test_no_wait_fails_at_once_without_a_notice() -> None:
    calls, poll = _refusing(1)
    notices: list[str] = []
    with pytest.raises(EndpointUnreachable, match="refused"):
        poll_through_restart(poll, wait=0, on_notice=notices.append, url="http://gw")  # type: ignore[arg-type]
    assert calls == [1] and notices == []
