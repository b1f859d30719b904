"""Run code in a remote session: submit, poll with the client's backoff, report progress, cancel on Ctrl-C.

:func:`execute` returns the statement's :class:`~sparkwire.livy.Output` whether the code succeeded or
raised (the caller renders either). It raises only when there is no output to show:

- :class:`~.errors.ExecutionInterrupted` on ``KeyboardInterrupt``: the remote statement (and its Spark
  jobs) was cancelled and waited for, so the session is idle and usable again;
- :class:`~.errors.SessionLost` when the session is gone or dead; the caller forgets it;
- :class:`~sparkwire.livy.StatementCancelled` when someone else cancelled the statement;
- any other :class:`~sparkwire.livy.LivyError` (unreachable endpoint, timeout...).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sparkwire.livy import (
    CANCEL_SCHEDULE,
    FINAL_STATEMENT_STATES,
    FINAL_STATES,
    BadRequest,
    InvalidResponse,
    LivyClient,
    LivyError,
    LivyTimeout,
    Output,
    ServerError,
    SessionDead,
    SessionKind,
    SessionNotFound,
    Statement,
    StatementCancelled,
    StatementFailed,
    StatementNotFound,
    StatementState,
    wait_for_statement,
)

from .errors import ExecutionInterrupted, SessionLost
from .interrupts import interrupts_deferred

__all__ = ["ProgressCallback", "check_session_lost", "execute"]

ProgressCallback = Callable[[Statement], None]
"""Called with the statement after submitting and after every poll (``state``, ``progress``)."""


def check_session_lost(client: LivyClient, session_id: int) -> SessionLost | None:
    """Tell whether a session is gone or ended, after a request about it failed.

    :param client: the client.
    :param session_id: the session.
    :return: the :class:`SessionLost` to raise, or ``None`` if the session is alive (or the server
        cannot say).
    """
    where = f"Session {session_id} on {client.url}"
    then = "Its variables are lost; run the cell again to start a new session."
    try:
        state = client.session_state(session_id)
    except SessionNotFound:
        return SessionLost(
            f"{where} no longer exists (deleted, timed out, or the server restarted). {then}",
            session_id=session_id,
            state="not found",
        )
    except LivyError:
        return None
    if state in FINAL_STATES:
        return SessionLost(
            f"{where} has ended (state {state.value!r}). {then}", session_id=session_id, state=state.value
        )
    return None


# On a server with the statement-wait extension, the POST itself waits this long for the statement to
# finish: a quick statement (most cells) then needs no second request. Short, since Ctrl-C is deferred
# while the POST is out.
_SUBMIT_WAIT_SECONDS = 0.2


def _submit(client: LivyClient, session_id: int, code: str, kind: SessionKind | str | None) -> Statement:
    try:
        return client.submit_statement(session_id, code, kind, wait=_SUBMIT_WAIT_SECONDS)
    except SessionNotFound as exc:
        lost = check_session_lost(client, session_id)
        raise (lost or exc) from None
    except (BadRequest, ServerError):
        # Livy answers 400/500 for a statement posted to a dead session; tell that apart from bad input.
        lost = check_session_lost(client, session_id)
        if lost is not None:
            raise lost from None
        raise


def _cancel(client: LivyClient, session_id: int, statement_id: int, wait: float) -> bool:
    """Cancel a statement and wait until it has ended; ``False`` if that could not be confirmed."""
    deadline = time.monotonic() + wait
    try:
        client.cancel_statement(session_id, statement_id, timeout=min(wait, 10.0))
        wait_for_statement(
            client,
            session_id,
            statement_id,
            timeout=deadline - time.monotonic(),
            intervals=CANCEL_SCHEDULE.intervals(),
            reconnect_wait=0,
        )
    except LivyError:  # LivyTimeout included: it had not ended in time.
        return False
    except KeyboardInterrupt:
        return False  # A second Ctrl-C: stop waiting for the cancel to finish.
    return True


def _interrupted(client: LivyClient, session_id: int, statement_id: int, wait: float) -> ExecutionInterrupted:
    if _cancel(client, session_id, statement_id, wait):
        message = (
            f"Interrupted: statement {statement_id} was cancelled along with its Spark jobs. "
            f"Session {session_id} is still running, with its variables."
        )
        return ExecutionInterrupted(message, statement_id=statement_id, cancelled=True)
    message = (
        f"Interrupted: statement {statement_id} was asked to cancel, but had not stopped after "
        f"{wait:g} s. The next cell waits until it ends; see %%info for the session's state."
    )
    return ExecutionInterrupted(message, statement_id=statement_id, cancelled=False)


def execute(
    client: LivyClient,
    session_id: int,
    code: str,
    *,
    kind: SessionKind | str | None = None,
    on_progress: ProgressCallback | None = None,
    timeout: float | None = None,
    cancel_wait: float = 30.0,
    on_notice: Callable[[str], None] | None = None,
) -> Output:
    """Run code in a session and return its output.

    :param client: the client of the session's endpoint.
    :param session_id: the session (ready or busy: a busy session queues the statement).
    :param code: the code.
    :param kind: the statement's language; ``None`` for the session's kind.
    :param on_progress: called after submitting and after every poll.
    :param timeout: seconds the statement may run (``None``: no limit); then it is cancelled.
    :param cancel_wait: seconds to wait for a cancelled statement to end, after an interrupt.
    :param on_notice: told when the endpoint stops answering while the statement runs (a gateway
        restart: polling rides through it for a bounded time) and when it is back.
    :return: the output, ``ok`` or ``error`` (the remote exception).
    :raises ExecutionInterrupted: on ``KeyboardInterrupt``; the statement was cancelled.
    :raises SessionLost: if the session is gone or has ended.
    :raises StatementCancelled: if the statement was cancelled by someone else.
    :raises LivyTimeout: if the statement ran longer than ``timeout`` (it was cancelled).
    :raises LivyError: for other failures (unreachable endpoint, auth...).
    """
    with interrupts_deferred() as interrupted:
        statement = _submit(client, session_id, code, kind)
    if interrupted():
        raise _interrupted(client, session_id, statement.id, cancel_wait)
    started = time.monotonic()
    try:
        if on_progress is not None:
            on_progress(statement)
        if statement.state not in FINAL_STATEMENT_STATES:  # it may have finished within the POST
            statement = wait_for_statement(
                client,
                session_id,
                statement.id,
                on_progress=on_progress,
                timeout=timeout,
                on_notice=on_notice,
            )
    except LivyTimeout:
        if timeout is None or time.monotonic() - started < timeout:
            raise  # one request timed out, not the statement
        cancelled = _cancel(client, session_id, statement.id, cancel_wait)
        raise LivyTimeout(
            f"Statement {statement.id} in session {session_id} was still running after {timeout:g} s (the "
            f"statement timeout), so it was {'cancelled' if cancelled else 'asked to cancel'}. Raise or remove "
            "kernel.statement_timeout in the config file to let it run longer.",
            url=f"{client.session_url(session_id)}/statements/{statement.id}",
            session_id=session_id,
        ) from None
    except KeyboardInterrupt:
        raise _interrupted(client, session_id, statement.id, cancel_wait) from None
    except SessionDead as exc:
        raise SessionLost(
            f"Session {session_id} on {client.url} ended (state {exc.state!r}) while running the statement. "
            "Its variables are lost; run the cell again to start a new session.",
            session_id=session_id,
            state=exc.state,
        ) from None
    except (SessionNotFound, StatementNotFound) as exc:
        raise (check_session_lost(client, session_id) or exc) from None
    return _output_of(client, session_id, statement)


def _output_of(client: LivyClient, session_id: int, statement: Statement) -> Output:
    url = f"{client.session_url(session_id)}/statements/{statement.id}"
    if statement.state is StatementState.CANCELLED:
        raise StatementCancelled(
            f"Statement {statement.id} in session {session_id} was cancelled (not by this cell), so it has no "
            "output. Run the cell again if it should run.",
            url=url,
            session_id=session_id,
            statement_id=statement.id,
        )
    if statement.output is None:
        if statement.state is StatementState.ERROR:
            raise StatementFailed(
                f"Statement {statement.id} in session {session_id} failed without output; the session log "
                "may say why (%%logs).",
                url=url,
                session_id=session_id,
                statement_id=statement.id,
            )
        raise InvalidResponse(
            f"Statement {statement.id} in session {session_id} is {statement.state.value!r} but has no output.",
            url=url,
            session_id=session_id,
        )
    return statement.output
