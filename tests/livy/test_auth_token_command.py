"""Bearer tokens from a command (``token_command``): run before the first request, again after a 401,
against the real gateway that accepts only the newest token."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

from sparkwire.livy import (
    AuthenticationFailed,
    BearerAuth,
    CredentialsUnavailable,
    LivyClient,
    SessionKind,
    SessionSpec,
    auth_from_config,
)
from tests.support.auth_helpers import GATEWAY_TOKEN, rotating_token_command, runs
from tests.support.gateway_process import RunningGateway


def test_a_401_runs_the_command_again_and_the_request_succeeds_with_the_new_token(
    token_gateway: RunningGateway, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    command = rotating_token_command(tmp_path, ["expired-token", GATEWAY_TOKEN])
    auth = auth_from_config("bearer", options={"token_command": command})
    with LivyClient(token_gateway.url, auth=auth) as client:
        assert runs(tmp_path) == 0  # nothing runs before the first request
        assert client.list_sessions().total >= 0
        assert runs(tmp_path) == 2  # the stale token got a 401, the command ran again, the request was resent
        client.list_sessions()
        client.version()
        assert runs(tmp_path) == 2  # the fresh token is kept
    assert "was refused (401); running it again" in caplog.text
    assert GATEWAY_TOKEN not in caplog.text and "expired-token" not in caplog.text


def test_a_post_answered_401_is_sent_once_more_with_the_new_token(
    token_gateway: RunningGateway, tmp_path: Path
) -> None:
    """A 401 means the server did not act, so even a POST (not safe to repeat otherwise) is resent."""
    command = rotating_token_command(tmp_path, ["expired-token", GATEWAY_TOKEN])
    # A fresh client whose very first request is the POST.
    with (
        LivyClient(token_gateway.url, auth=BearerAuth(token_command=command)) as fresh,
        LivyClient(token_gateway.url, auth=BearerAuth(GATEWAY_TOKEN)) as admin,
    ):
        existing = {session.id for session in admin.list_sessions().sessions}
        (tmp_path / "runs").write_text("0")
        session = fresh.create_session(SessionSpec(kind=SessionKind.PYSPARK, name="token-command-post"))
        try:
            created = [s for s in admin.list_sessions().sessions if s.id not in existing]
            assert [s.id for s in created] == [session.id]  # created exactly once
            assert runs(tmp_path) == 2
        finally:
            admin.delete_session(session.id, missing_ok=True)


def test_a_command_that_keeps_giving_a_rejected_token_fails_with_authentication_failed(
    token_gateway: RunningGateway, tmp_path: Path
) -> None:
    command = rotating_token_command(tmp_path, ["wrong-token"])
    with (
        LivyClient(token_gateway.url, auth=BearerAuth(token_command=command)) as client,
        pytest.raises(AuthenticationFailed) as info,
    ):
        client.list_sessions()
    assert runs(tmp_path) == 2  # one refresh per request, no loop
    assert "wrong-token" not in str(info.value)
    assert "a bearer token from" in str(info.value)


def test_a_failing_command_says_why_with_its_error_output(token_gateway: RunningGateway) -> None:
    command = [
        sys.executable,
        "-c",
        "import sys; sys.stderr.write('login expired: run sso login'); sys.exit(3)",
    ]
    with (
        LivyClient(token_gateway.url, auth=BearerAuth(token_command=command)) as client,
        pytest.raises(CredentialsUnavailable) as info,
    ):
        client.list_sessions()
    message = str(info.value)
    assert "exited with status 3" in message and "login expired: run sso login" in message


def test_a_slow_command_times_out_with_a_clear_message(token_gateway: RunningGateway) -> None:
    command = [sys.executable, "-c", "import time; time.sleep(30)"]
    auth = BearerAuth(token_command=command, token_command_timeout=0.5)
    with (
        LivyClient(token_gateway.url, auth=auth) as client,
        pytest.raises(CredentialsUnavailable, match=r"did not finish within 0.5 s"),
    ):
        client.version()


@pytest.mark.parametrize(("command", "words"), [
    (["/nonexistent/get-token"], "was not found"),
    ([sys.executable, "-c", "print('')"], "printed no token"),
])  # fmt: skip
def test_missing_or_silent_commands_are_reported(
    token_gateway: RunningGateway, command: list[str], words: str
) -> None:
    with (
        LivyClient(token_gateway.url, auth=BearerAuth(token_command=command)) as client,
        pytest.raises(CredentialsUnavailable, match=words),
    ):
        client.version()


def test_json_output_is_read_like_kubectl_exec_credentials(token_gateway: RunningGateway) -> None:
    document = json.dumps(
        {"apiVersion": "client.authentication.k8s.io/v1", "status": {"token": GATEWAY_TOKEN}}
    )
    command = [sys.executable, "-c", f"print({document!r})"]
    with LivyClient(token_gateway.url, auth=BearerAuth(token_command=command)) as client:
        assert client.version().version


@pytest.mark.parametrize(("options", "words"), [
    ({}, "needs a token (or a token_command"),
    ({"token_command": "get-token", "token_command_timeout": 0}, "token_command_timeout' must be a positive"),
    ({"token_command": 42}, "must be a command line or a list of strings"),
    ({"token_command": "get-token", "scope": "x"}, "unknown auth_options ['scope']"),
])  # fmt: skip
def test_bad_bearer_settings_are_rejected_when_read(options: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError) as info:
        auth_from_config("bearer", options=options)
    assert words in str(info.value)


def test_a_token_and_a_command_together_are_rejected() -> None:
    with pytest.raises(ValueError, match="not both"):
        auth_from_config("bearer", token="abc", options={"token_command": "get-token"})


def test_the_commands_arguments_stay_out_of_reprs_and_messages() -> None:
    auth = BearerAuth(token_command=["get-token", "--client-secret", "Sec-Ret-77"])
    assert "Sec-Ret-77" not in repr(auth) and "Sec-Ret-77" not in auth.describe()
    assert auth.describe() == "a bearer token from 'get-token'"
