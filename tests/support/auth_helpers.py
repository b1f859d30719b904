"""Helpers for the authentication tests: a sparkmagic-style authenticator module written on the fly,
a sparkmagic config naming it, and a token command that rotates tokens."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

GATEWAY_TOKEN = "Rotated-Token-4b7e9"  # the only token the token gateway accepts
AUTH_MODULE = "teamauth"

# A class written for sparkmagic's "authenticators" map: it subclasses sparkmagic's base Authenticator,
# takes the parsed attributes (url, user, password, auth) and implements __call__(request). It sends the
# configured password as a bearer token, as some corporate gateways do.
_SPARKMAGIC_STYLE = '''
from sparkmagic.auth.customauth import Authenticator


class TeamToken(Authenticator):
    """Sends the configured password as a bearer token."""

    seen_urls = []

    def __init__(self, parsed_attributes=None):
        super().__init__(parsed_attributes)
        self.token = parsed_attributes.password
        TeamToken.seen_urls.append(self.url)

    def __call__(self, request):
        request.headers["Authorization"] = "Bearer " + self.token
        return request
'''


def write_auth_module(directory: Path) -> Path:
    """Write ``teamauth.py`` (the sparkmagic-style class) into ``directory``; return the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{AUTH_MODULE}.py").write_text(textwrap.dedent(_SPARKMAGIC_STYLE))
    return directory


def sparkmagic_config(
    url: str, token: str = GATEWAY_TOKEN, class_path: str = f"{AUTH_MODULE}.TeamToken", **extra: Any
) -> dict[str, Any]:
    """A sparkmagic config.json selecting the custom class through its ``authenticators`` map."""
    return {
        "kernel_python_credentials": {"username": "", "password": token, "url": url, "auth": "Team"},
        "authenticators": {
            "Kerberos": "sparkmagic.auth.kerberos.Kerberos",
            "None": "sparkmagic.auth.customauth.Authenticator",
            "Basic_Access": "sparkmagic.auth.basic.Basic",
            "Team": class_path,
        },
        **extra,
    }


def write_sparkmagic_config(directory: Path, config: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "config.json"
    path.write_text(json.dumps(config))
    return path


def rotating_token_command(directory: Path, tokens: list[str]) -> list[str]:
    """A command printing ``tokens[0]`` on its first run, ``tokens[1]`` on the second... (the last repeats).

    Its runs are counted in ``directory/runs``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "token_command.py"
    script.write_text(
        textwrap.dedent(f"""
        import pathlib
        runs = pathlib.Path({str(directory / "runs")!r})
        count = int(runs.read_text()) if runs.exists() else 0
        runs.write_text(str(count + 1))
        tokens = {tokens!r}
        print(tokens[min(count, len(tokens) - 1)])
    """)
    )
    return [sys.executable, str(script)]


def runs(directory: Path) -> int:
    """How many times the rotating command ran."""
    path = directory / "runs"
    return int(path.read_text()) if path.exists() else 0
