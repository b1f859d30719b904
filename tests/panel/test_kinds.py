"""The "new session" form offers the kinds the endpoint runs: the gateway's, or all of a real Livy's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sparkwire.panel._kinds import ALL_KINDS, kinds_from_version
from tests.panel.api import Fetch, call
from tests.panel.conftest import FakeLivy, FakeRequest


def livy_07_version(request: FakeRequest) -> tuple[int, Any]:
    """A real Livy's /version (no "gateway" field); we cannot run a Livy server in the tests."""
    return 200, {
        "version": "0.7.1-incubating",
        "user": "livy",
        "revision": "abc",
        "branch": "HEAD",
        "date": "2021-02-01",
        "url": "https://github.com/apache/incubator-livy",
    }


async def test_the_gateway_offers_python_scala_and_sql_kinds_not_r(jp_fetch: Fetch) -> None:
    status, body = await call(jp_fetch, "GET", "endpoints", "gateway", "kinds")
    assert (status, body) == (200, {"kinds": ["pyspark", "sql", "shared", "spark"], "source": "gateway"})


async def test_a_real_livy_offers_every_kind(
    jp_fetch: Fetch, fake_livy: FakeLivy, sparkwire_config: Callable[[dict[str, Any]], Path]
) -> None:
    fake_livy.routes[("GET", "/version")] = livy_07_version
    sparkwire_config({"endpoints": {"livy": {"url": fake_livy.url}}})
    status, body = await call(jp_fetch, "GET", "endpoints", "livy", "kinds")
    assert (status, body) == (200, {"kinds": list(ALL_KINDS), "source": "livy"})


async def test_an_unknown_endpoint_is_a_404(jp_fetch: Fetch) -> None:
    status, body = await call(jp_fetch, "GET", "endpoints", "nowhere", "kinds")
    assert status == 404 and "nowhere" in body["message"]


def test_a_gateway_listing_its_kinds_is_believed() -> None:
    assert kinds_from_version({"gateway": "sparkwire", "kinds": ["spark", "pyspark", "nonsense"]}) == (
        ["pyspark", "spark"],
        "gateway",
    )
    assert kinds_from_version({"gateway": "sparkwire", "kinds": ["nonsense"]})[0] == [
        "pyspark",
        "sql",
        "shared",
    ]
    assert kinds_from_version("not an object") == (list(ALL_KINDS), "livy")
