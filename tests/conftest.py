"""Fixtures shared by every suite: environment isolation and one real gateway for the run."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.auth_helpers import GATEWAY_TOKEN
from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.livy_http import create_session, wait_session


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--livy-url", default=None, help="also run the 'livy' tests against this Livy server")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--livy-url"):
        return
    skip = pytest.mark.skip(reason="needs --livy-url pointing at an external Livy server")
    for item in items:
        # The marker, not item.keywords: keywords include folder names, and tests/livy/ is a folder.
        if item.get_closest_marker("livy") is not None:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own sparkwire or sparkmagic settings."""
    for key in list(os.environ):
        if key.startswith(("SPARKWIRE_", "SPARKMAGIC_")):
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    """The real gateway on a free loopback port, for the whole run; stopped in finally."""
    running = start_gateway(tmp_path_factory.mktemp("gateway"), settings={"max_sessions": 12})
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def token_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    """A gateway that accepts only ``Authorization: Bearer GATEWAY_TOKEN`` (auth tests); stopped in finally."""
    # Impersonation on: one shared token names no user, so a hub-style proxyUser is impersonation.
    running = start_gateway(
        tmp_path_factory.mktemp("token-gateway"),
        settings={"auth_token": GATEWAY_TOKEN, "max_sessions": 4, "impersonation": True},
        env={"SPARKWIRE_GATEWAY_AUTH_TOKEN": GATEWAY_TOKEN},
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def gateway_url(gateway: RunningGateway) -> str:
    return gateway.url


@pytest.fixture(scope="session")
def pyspark_session(gateway_url: str) -> int:
    """One idle pyspark session many tests share (each session costs a JVM start)."""
    session = create_session(gateway_url, {"kind": "pyspark", "name": "shared-tests-pyspark"})
    wait_session(gateway_url, session["id"])
    return int(session["id"])


@pytest.fixture(scope="session")
def shared_session(gateway_url: str) -> int:
    """One idle shared-kind session (statements name their kind)."""
    session = create_session(gateway_url, {})
    wait_session(gateway_url, session["id"])
    return int(session["id"])


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def default_sigint() -> Iterator[None]:
    """Python's own SIGINT handler for the test, restored afterwards.

    For the interrupt tests: they must not depend on what the runner inherited (``nohup``, ``&`` and
    some CI runners start pytest with SIGINT ignored, and then neither ``_thread.interrupt_main`` nor
    ``os.kill(pid, SIGINT)`` interrupts anything) or on what an earlier test installed (a SparkContext
    made in this process sets its own Ctrl-C handler, which outlives the context).
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
