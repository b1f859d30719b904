"""Waiting for sessions and statements, and running code, against scripted state sequences."""

from __future__ import annotations

import itertools

import pytest

from sparkwire.livy import (
    BUSY_STATES,
    READY_STATES,
    LivyClient,
    LivyTimeout,
    Session,
    SessionDead,
    SessionState,
    Statement,
    StatementCancelled,
    StatementFailed,
    StatementState,
    run_statement,
    wait_for_batch,
    wait_for_session,
    wait_for_statement,
)

from .conftest import FakeLivy

FAST = itertools.repeat(0.001)  # an endless 1 ms interval: scripted servers need no real waits


def session(state: str) -> dict[str, object]:
    return {"id": 1, "state": state, "kind": "pyspark", "log": ["tail"]}


def statement(
    state: str, progress: float = 0.0, output: dict[str, object] | None = None
) -> dict[str, object]:
    return {"id": 0, "code": "1 + 1", "state": state, "progress": progress, "output": output}


OK_OUTPUT = {"status": "ok", "execution_count": 0, "data": {"text/plain": "2"}}
ERROR_OUTPUT = {
    "status": "error",
    "execution_count": 0,
    "ename": "ZeroDivisionError",
    "evalue": "division by zero",
    "traceback": ["ZeroDivisionError: division by zero"],
}


def test_wait_for_session_reports_state_changes_and_returns_when_idle(
    fake_livy: FakeLivy, client: LivyClient
) -> None:
    fake_livy.sequence(
        "GET", "/sessions/1", [session(s) for s in ["not_started", "starting", "starting", "idle"]]
    )
    seen: list[SessionState] = []
    ready = wait_for_session(client, 1, on_state=lambda s: seen.append(s.state), intervals=FAST)
    assert ready.state is SessionState.IDLE
    assert seen == [SessionState.NOT_STARTED, SessionState.STARTING, SessionState.IDLE]


def test_wait_for_session_can_accept_busy(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.sequence("GET", "/sessions/1", [session("starting"), session("busy")])
    assert (
        wait_for_session(client, 1, until=READY_STATES | BUSY_STATES, intervals=FAST).state
        is SessionState.BUSY
    )


def test_dead_session_raises_with_the_log_tail(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.sequence("GET", "/sessions/1", [session("starting"), session("dead")])
    fake_livy.reply(
        "GET",
        "/sessions/1/log",
        {"id": 1, "from": 0, "total": 2, "log": ["boot", "OutOfMemoryError: Java heap"]},
    )
    with pytest.raises(SessionDead) as caught:
        wait_for_session(client, 1, intervals=FAST)
    error = caught.value
    assert error.state == "dead" and error.session_id == 1
    assert error.log == ("boot", "OutOfMemoryError: Java heap")
    assert "OutOfMemoryError: Java heap" in str(error)
    assert error.url == f"{fake_livy.url}/sessions/1"


def test_dead_session_without_a_log_endpoint_uses_the_sessions_own_lines(
    fake_livy: FakeLivy, client: LivyClient
) -> None:
    fake_livy.reply("GET", "/sessions/1", session("error"))
    with pytest.raises(SessionDead) as caught:
        wait_for_session(client, 1, intervals=FAST)
    assert caught.value.log == ("tail",)


def test_wait_for_session_times_out(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("GET", "/sessions/1", session("starting"))
    with pytest.raises(LivyTimeout, match="still 'starting'") as caught:
        wait_for_session(client, 1, timeout=0.05, intervals=itertools.repeat(0.01))
    assert caught.value.session_id == 1


def test_wait_for_statement_reports_progress(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.sequence(
        "GET",
        "/sessions/1/statements/0",
        [statement("waiting"), statement("running", 0.25), statement("running", 0.75),
         statement("available", 1.0, OK_OUTPUT)],
    )  # fmt: skip
    progress: list[float | None] = []
    done = wait_for_statement(client, 1, 0, on_progress=lambda s: progress.append(s.progress), intervals=FAST)
    assert done.state is StatementState.AVAILABLE
    assert progress == [0.0, 0.25, 0.75, 1.0]


def test_wait_for_statement_times_out_without_cancelling(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("GET", "/sessions/1/statements/0", statement("running", 0.5))
    with pytest.raises(LivyTimeout, match="keeps running"):
        wait_for_statement(client, 1, 0, timeout=0.05, intervals=itertools.repeat(0.01))
    assert not fake_livy.seen("POST", "/sessions/1/statements/0/cancel")


def test_run_statement_returns_the_output(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("POST", "/sessions/1/statements", statement("waiting"), status=201)
    fake_livy.sequence(
        "GET", "/sessions/1/statements/0", [statement("running", 0.5), statement("available", 1.0, OK_OUTPUT)]
    )
    observed: list[Statement] = []
    output = run_statement(client, 1, "1 + 1", "pyspark", on_progress=observed.append, intervals=FAST)
    assert output.text == "2"
    assert [s.state for s in observed] == [
        StatementState.WAITING,
        StatementState.RUNNING,
        StatementState.AVAILABLE,
    ]
    assert fake_livy.seen("POST", "/sessions/1/statements")[0].json_body() == {
        "code": "1 + 1",
        "kind": "pyspark",
    }


def test_run_statement_failure_is_returned_or_raised(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("POST", "/sessions/1/statements", statement("waiting"), status=201)
    fake_livy.reply("GET", "/sessions/1/statements/0", statement("available", 1.0, ERROR_OUTPUT))
    output = run_statement(client, 1, "1 / 0", intervals=FAST)
    assert not output.ok and output.ename == "ZeroDivisionError"
    with pytest.raises(StatementFailed) as caught:
        run_statement(client, 1, "1 / 0", raise_on_error=True, intervals=FAST)
    error = caught.value
    assert (error.ename, error.evalue, error.statement_id, error.session_id) == (
        "ZeroDivisionError",
        "division by zero",
        0,
        1,
    )
    assert error.url == f"{fake_livy.url}/sessions/1/statements/0"


def test_cancelled_statement_raises(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("POST", "/sessions/1/statements", statement("waiting"), status=201)
    fake_livy.reply("GET", "/sessions/1/statements/0", statement("cancelled"))
    with pytest.raises(StatementCancelled) as caught:
        run_statement(client, 1, "while True: pass", intervals=FAST)
    assert caught.value.statement_id == 0


def test_interrupt_while_waiting_cancels_the_statement(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("POST", "/sessions/1/statements", statement("waiting"), status=201)
    fake_livy.reply("GET", "/sessions/1/statements/0", statement("running"))
    fake_livy.reply("POST", "/sessions/1/statements/0/cancel", {"msg": "canceled"})

    def interrupt(current: Statement) -> None:
        if current.state is StatementState.RUNNING:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_statement(client, 1, "long()", on_progress=interrupt, intervals=FAST)
    assert len(fake_livy.seen("POST", "/sessions/1/statements/0/cancel")) == 1


def test_wait_for_batch_returns_the_final_batch(fake_livy: FakeLivy, client: LivyClient) -> None:
    batch = {"id": 2, "state": "starting"}
    fake_livy.sequence(
        "GET", "/batches/2", [batch, {**batch, "state": "running"}, {**batch, "state": "success"}]
    )
    states: list[SessionState] = []
    done = wait_for_batch(client, 2, on_state=lambda b: states.append(b.state), intervals=FAST)
    assert done.state is SessionState.SUCCESS
    assert states == [SessionState.STARTING, SessionState.RUNNING, SessionState.SUCCESS]


def test_session_model_in_callbacks_is_complete(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("GET", "/sessions/1", session("idle"))
    sessions: list[Session] = []
    wait_for_session(client, 1, on_state=sessions.append, intervals=FAST)
    assert sessions[0].log == ("tail",)
