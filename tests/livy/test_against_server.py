"""Our client against a real server: the gateway always, an external Livy too with --livy-url."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from sparkwire.livy import (
    LivyClient,
    SessionKind,
    SessionNotFound,
    SessionSpec,
    SessionState,
    StatementCancelled,
    StatementFailed,
    run_statement,
    wait_for_session,
)


def _servers(config: pytest.Config) -> list[object]:
    servers: list[object] = ["gateway"]
    if config.getoption("--livy-url"):
        servers.append(pytest.param("external", marks=pytest.mark.livy))
    return servers


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "server" in metafunc.fixturenames:
        metafunc.parametrize("server", _servers(metafunc.config), scope="module")


@pytest.fixture(scope="module")
def client(server: str, request: pytest.FixtureRequest) -> Iterator[LivyClient]:
    url = (
        request.getfixturevalue("gateway_url")
        if server == "gateway"
        else request.config.getoption("--livy-url")
    )
    with LivyClient(url) as livy:
        yield livy


@pytest.fixture(scope="module")
def session_id(client: LivyClient) -> Iterator[int]:
    session = client.create_session(
        SessionSpec(kind=SessionKind.PYSPARK, name=f"client-test-{time.time_ns()}")
    )
    try:
        wait_for_session(client, session.id, timeout=240)
        yield session.id
    finally:
        client.delete_session(session.id, missing_ok=True)


def test_version_and_listing(client: LivyClient, session_id: int) -> None:
    assert client.version().version >= (0, 5)
    assert session_id in [s.id for s in client.list_sessions().sessions]
    assert client.session_state(session_id) is SessionState.IDLE


def test_run_output_and_failure(client: LivyClient, session_id: int) -> None:
    assert run_statement(client, session_id, "print(6 * 7)").text == "42"
    failed = run_statement(client, session_id, "undefined_name")
    assert failed.ename == "NameError"
    with pytest.raises(StatementFailed) as info:
        run_statement(client, session_id, "1 / 0", raise_on_error=True)
    assert info.value.ename == "ZeroDivisionError"


def test_progress_callback_and_log(client: LivyClient, session_id: int) -> None:
    seen: list[float] = []
    output = run_statement(
        client,
        session_id,
        "sc.parallelize(range(4), 4).map(lambda x: __import__('time').sleep(0.5) or x).sum()",
        on_progress=lambda s: seen.append(s.progress),
    )
    assert output.text == "6"
    assert seen and seen[-1] == 1.0
    assert client.session_log(session_id, size=5).lines


def test_cancel_from_another_thread(client: LivyClient, session_id: int) -> None:
    ids: list[int] = []
    timer = threading.Timer(2.0, lambda: client.cancel_statement(session_id, ids[0]))
    timer.start()
    with pytest.raises(StatementCancelled):
        run_statement(
            client, session_id, "import time\ntime.sleep(60)", on_progress=lambda s: ids.append(s.id)
        )
    timer.join()
    assert run_statement(client, session_id, "'alive'").text == "'alive'"


def test_unknown_session_is_typed(client: LivyClient) -> None:
    with pytest.raises(SessionNotFound) as info:
        client.get_session(987654)
    assert "987654" in str(info.value)
