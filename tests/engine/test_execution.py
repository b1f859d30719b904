"""Running code through the engine against the real gateway: outputs, progress, cancel on interrupt, loss.

These reuse the suite's shared pyspark session (attached, so never deleted here); only
``test_engine_creates_shows_and_deletes_its_session`` pays for a session of its own.
"""

from __future__ import annotations

import _thread
import signal
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from sparkwire.engine import (
    Engine,
    ExecutionInterrupted,
    SessionLost,
    execute,
    interrupts_deferred,
    load_config,
)
from sparkwire.livy import LivyClient, LivyTimeout, Statement

from .recording import RecordingSink

LONG_JOB = "sc.parallelize(range(4), 4).map(lambda x: __import__('time').sleep(60) or x).count()"


@pytest.fixture
def client(gateway_url: str) -> Iterator[LivyClient]:
    with LivyClient(gateway_url) as livy:
        yield livy


@pytest.fixture
def engine(gateway_url: str, tmp_path: object) -> Iterator[Engine]:
    engine = Engine(load_config({"HOME": str(tmp_path), "SPARKWIRE_URL": gateway_url}))
    try:
        yield engine
    finally:
        engine.close()


def test_execute_returns_ok_and_error_outputs(client: LivyClient, pyspark_session: int) -> None:
    seen: list[Statement] = []
    output = execute(client, pyspark_session, "spark.range(5).count()", on_progress=seen.append)
    assert output.ok and output.text == "5"
    assert seen[-1].progress == 1.0
    failed = execute(client, pyspark_session, "raise ValueError('nope')")
    assert not failed.ok
    assert (failed.ename, failed.evalue) == ("ValueError", "nope")


@pytest.mark.usefixtures("default_sigint")
def test_interrupt_cancels_the_remote_statement_and_keeps_the_session(
    client: LivyClient, pyspark_session: int
) -> None:
    execute(client, pyspark_session, "survivor = 41")
    timer = threading.Timer(1.5, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(ExecutionInterrupted) as info:
            execute(client, pyspark_session, LONG_JOB)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 15
    assert info.value.cancelled
    assert "was cancelled along with its Spark jobs" in str(info.value)
    statement = client.get_statement(pyspark_session, info.value.statement_id or 0)
    assert statement.state.value == "cancelled"
    assert execute(client, pyspark_session, "survivor + 1").text == "42"


def test_a_statement_over_its_timeout_is_cancelled(client: LivyClient, pyspark_session: int) -> None:
    with pytest.raises(LivyTimeout, match="still running after 1 s .* so it was cancelled"):
        execute(client, pyspark_session, "import time; time.sleep(30)", timeout=1.0)
    assert execute(client, pyspark_session, "'usable'").text == "'usable'"


def test_a_missing_session_is_reported_lost(client: LivyClient) -> None:
    with pytest.raises(SessionLost) as info:
        execute(client, 987654, "1")
    assert info.value.state == "not found"
    assert "no longer exists" in str(info.value)


@pytest.mark.usefixtures("default_sigint")
def test_interrupts_are_held_back_inside_the_guard() -> None:
    with interrupts_deferred() as interrupted:
        signal.raise_signal(signal.SIGINT)
        assert interrupted()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_attached_session_runs_cells_and_survives_close(
    engine: Engine, gateway_url: str, pyspark_session: int
) -> None:
    engine.registry.attach("shared", pyspark_session)
    result = engine.run("shared", "print('hi')\n6 * 7")
    assert result.ok and result.rendered.stdout == "hi\n42\n"
    table = engine.run("shared", "SELECT 1 AS one", kind="sql", sql=True)
    assert table.rendered.bundle is not None and "<th" in table.rendered.bundle["text/html"]
    assert "spark.range" in engine.complete("shared", "spark.ra", 8)
    engine.close()
    assert requests.get(f"{gateway_url}/sessions/{pyspark_session}", timeout=10).status_code == 200


def test_engine_creates_shows_and_deletes_its_session(engine: Engine, gateway_url: str) -> None:
    engine.registry.add("own", body={"kind": "pyspark"})
    sink = RecordingSink()
    result = engine.run("own", "import time; time.sleep(1.5); 'done'", sink=sink)
    assert result.ok and result.rendered.stdout == "'done'\n"
    texts = sink.texts()
    assert texts[0].startswith("Creating a Spark session on " + gateway_url)
    assert any(": starting, " in text for text in texts)
    assert any(text.startswith("Spark: statement ") for text in texts)  # the live view (no job yet)
    visible = sink.visible()
    assert len(visible) == 1 and "is ready on" in visible[0]["text/plain"]  # a view without jobs is gone
    session_id = result.session_id
    engine.close()
    assert requests.get(f"{gateway_url}/sessions/{session_id}", timeout=10).status_code == 404
