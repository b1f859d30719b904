"""Bearer tokens fetched by running a command, like kubectl's exec credentials.

The command runs once when the first request is sent and again whenever the server answers 401:
tokens from an identity provider expire, and a fresh one is the usual cure. Its standard output is
the token, either as plain text or as JSON holding ``token``, ``access_token`` or ``status.token``
(kubectl's ExecCredential). The command is split like a shell line but no shell runs it.
"""

from __future__ import annotations

import json
import logging
import shlex
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import requests
import requests.auth

from ._errors import CredentialsUnavailable
from ._secret import Secret

__all__ = ["RefreshingBearer", "TokenCommand"]

logger = logging.getLogger("sparkwire.livy")
_STDERR_CHARS = 800  # enough for a CLI's error message, short enough for a notebook


def _argv(command: str | Sequence[str]) -> tuple[str, ...]:
    argv = tuple(shlex.split(command)) if isinstance(command, str) else tuple(str(part) for part in command)
    if not argv:
        raise ValueError("token_command is empty: give the command that prints a token")
    return argv


def _token_from_output(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data: Any = json.loads(stripped)
        except json.JSONDecodeError:
            return stripped
        for candidate in (
            data.get("token"),
            data.get("access_token"),
            (data.get("status") or {}).get("token"),
        ):
            if isinstance(candidate, str) and candidate:
                return candidate
        return ""
    return stripped


@dataclass(frozen=True)
class TokenCommand:
    """A command that prints a bearer token.

    :param command: the command line (split like a shell's, run without a shell) or its argv.
    :param timeout: seconds the command may run.
    """

    argv: tuple[str, ...] = field(repr=False)  # its arguments may hold secrets
    timeout: float = 30.0

    def __init__(self, command: str | Sequence[str], timeout: float = 30.0) -> None:
        if not timeout > 0:
            raise ValueError(f"token_command_timeout must be > 0 seconds, not {timeout!r}")
        object.__setattr__(self, "argv", _argv(command))
        object.__setattr__(self, "timeout", float(timeout))

    @property
    def program(self) -> str:
        """The program's name, for messages (its arguments may hold secrets)."""
        return self.argv[0]

    def run(self) -> Secret:
        """Run the command and read the token from its output.

        :return: the token.
        :raises CredentialsUnavailable: if the command is missing, fails, times out or prints no token;
            the message holds the end of its standard error.
        """
        where = f"token_command {self.program!r}"
        try:
            done = subprocess.run(
                self.argv,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except FileNotFoundError:
            raise CredentialsUnavailable(
                f"{where} was not found. Install it, or give its full path in the endpoint's token_command."
            ) from None
        except PermissionError:
            raise CredentialsUnavailable(f"{where} is not executable: check its permissions.") from None
        except subprocess.TimeoutExpired:
            raise CredentialsUnavailable(
                f"{where} did not finish within {self.timeout:g} s. It may be waiting for a login; run it in a "
                "terminal, or raise token_command_timeout."
            ) from None
        stderr = (done.stderr or "").strip()[-_STDERR_CHARS:]
        said = f" Its error output: {stderr}" if stderr else ""
        if done.returncode != 0:
            raise CredentialsUnavailable(f"{where} exited with status {done.returncode}.{said}")
        token = _token_from_output(done.stdout or "")
        if not token:
            raise CredentialsUnavailable(
                f'{where} printed no token: it must print the token, or JSON with "token" or '
                f'"access_token".{said}'
            )
        return Secret(token)


class RefreshingBearer(requests.auth.AuthBase):
    """``Authorization: Bearer`` with a token from a command, fetched again once after a 401.

    :param command: the command.
    """

    def __init__(self, command: TokenCommand) -> None:
        self._command = command
        self._token: Secret | None = None
        self._lock = threading.Lock()  # one refresh at a time when threads share the client

    def _current(self) -> Secret:
        with self._lock:
            if self._token is None:
                self._token = self._command.run()
            return self._token

    def _refresh(self, stale: Secret) -> Secret:
        with self._lock:
            if self._token is None or self._token == stale:
                self._token = self._command.run()
            return self._token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        token = self._current()
        request.headers["Authorization"] = f"Bearer {token.reveal()}"
        request.register_hook("response", self._make_hook(token))  # type: ignore[no-untyped-call]
        return request

    def _make_hook(self, sent: Secret) -> Any:
        def on_response(response: requests.Response, **kwargs: Any) -> requests.Response:
            if response.status_code != 401:
                return response
            logger.info("The token from %r was refused (401); running it again", self._command.program)
            fresh = self._refresh(sent)
            if fresh == sent:
                return response
            # A 401 means the server did not act, so sending again is safe even for a POST.
            response.content  # noqa: B018 - read the body so the connection can be reused
            response.close()
            retry = response.request.copy()
            retry.headers["Authorization"] = f"Bearer {fresh.reveal()}"
            retry.hooks = {"response": []}  # one refresh per request
            connection = getattr(response, "connection", None)
            if connection is None:
                return response
            second: requests.Response = connection.send(retry, **kwargs)
            second.history.append(response)
            second.request = retry
            return second

        return on_response
