"""Authentication through the ``%spark`` magics: a sparkmagic config whose ``authenticators`` map names
a custom class (loaded by dotted path, used as is), and ``--token``, against the real gateway behind a
bearer token. Tokens never show in outputs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from sparkwire.magics import SparkError
from tests.support.auth_helpers import (
    AUTH_MODULE,
    GATEWAY_TOKEN,
    sparkmagic_config,
    write_auth_module,
    write_sparkmagic_config,
)
from tests.support.gateway_process import RunningGateway


@pytest.fixture
def sparkmagic_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token_gateway: RunningGateway
) -> Iterator[Path]:
    """No sparkwire config, a sparkmagic config naming ``teamauth.TeamToken``, the module on sys.path."""
    monkeypatch.delenv("SPARKWIRE_CONFIG", raising=False)
    (tmp_path / "home").mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    conf_dir = tmp_path / "sparkmagic"
    write_sparkmagic_config(conf_dir, sparkmagic_config(token_gateway.url))
    monkeypatch.setenv("SPARKMAGIC_CONF_DIR", str(conf_dir))
    monkeypatch.syspath_prepend(str(write_auth_module(tmp_path / "modules")))
    yield tmp_path
    for name in list(sys.modules):
        if name.split(".")[0] in ("sparkmagic", AUTH_MODULE):
            del sys.modules[name]


@pytest.fixture
def team_shell(sparkmagic_home: Path) -> Iterator[InteractiveShell]:
    """The shell with the magics loaded after the sparkmagic config is in place."""
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "sparkwire.magics")
    try:
        yield ip
    finally:
        ip.run_line_magic("unload_ext", "sparkwire.magics")


def test_a_sparkmagic_config_with_a_custom_authenticator_works_unchanged(
    team_shell: InteractiveShell, token_gateway: RunningGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    team_shell.run_line_magic("spark", "add -s team -l python")
    try:
        team_shell.run_cell_magic("spark", "-s team", "print(6 * 7)")
        team_shell.run_line_magic("spark", "info")
        session_id = team_shell.magics_manager.registry["SparkMagics"].engine.registry.get("team").session_id
        assert session_id is not None
        # --token on the line: bearer auth to the same session, attached by id.
        team_shell.run_line_magic(
            "spark", f"add -s again -u {token_gateway.url} --token {GATEWAY_TOKEN} --id {session_id}"
        )
        team_shell.run_cell_magic("spark", "-s again", "print('same session, token flag')")
        team_shell.run_line_magic("spark", f"info -u {token_gateway.url}")
        # -t NAME is looked up in sparkmagic's "authenticators" map, as sparkmagic's own %spark add does.
        team_shell.run_line_magic(
            "spark", f"add -s named -u {token_gateway.url} -t Team -p {GATEWAY_TOKEN} --id {session_id}"
        )
        team_shell.run_cell_magic("spark", "-s named", "print('through -t Team')")
        wrong = "Not-The-Token-99"
        result = team_shell.run_cell(
            f"%spark add -s bad -u {token_gateway.url} --token {wrong} --id {session_id}"
        )
        assert isinstance(result.error_in_exec, SparkError)
        assert type(result.error_in_exec).__name__ == "AuthenticationFailed"
        captured = capsys.readouterr()
        shown = captured.out + captured.err + str(result.error_in_exec)
    finally:
        team_shell.run_line_magic("spark", "delete -s team")
    assert "42\n" in shown and "same session, token flag" in shown and "through -t Team" in shown
    assert "Sessions on" in shown  # %spark info -u lists the endpoint's sessions
    assert GATEWAY_TOKEN not in shown and wrong not in shown
    sessions = requests.get(
        f"{token_gateway.url}/sessions", timeout=10, headers={"Authorization": f"Bearer {GATEWAY_TOKEN}"}
    ).json()["sessions"]
    assert session_id not in [s["id"] for s in sessions if s["state"] not in ("dead", "killed")]


def test_an_authenticator_class_that_cannot_be_imported_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token_gateway: RunningGateway
) -> None:
    monkeypatch.delenv("SPARKWIRE_CONFIG", raising=False)
    (tmp_path / "home").mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    conf_dir = tmp_path / "sparkmagic"
    config = sparkmagic_config(token_gateway.url, class_path="googledataprocauthenticator.google.GoogleAuth")
    write_sparkmagic_config(conf_dir, config)
    monkeypatch.setenv("SPARKMAGIC_CONF_DIR", str(conf_dir))
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "sparkwire.magics")
    try:
        result = ip.run_cell("%spark add -s g -l python")
    finally:
        ip.run_line_magic("unload_ext", "sparkwire.magics")
    error = result.error_in_exec
    assert error is not None
    assert "googledataprocauthenticator.google.GoogleAuth' could not be imported" in str(error)
    assert "\n" not in str(error) and ".." not in str(error)


def test_auth_flags_are_checked_before_anything_is_sent(shell: InteractiveShell) -> None:
    with pytest.raises(UsageError, match="bearer needs a token"):
        shell.run_line_magic("spark", "add -s a -u http://127.0.0.1:9 -t bearer")
    with pytest.raises(UsageError, match="unknown authentication type 'Digest'"):
        shell.run_line_magic("spark", "add -s a -t Digest")
    with pytest.raises(UsageError) as info:
        shell.run_line_magic("spark", "add -s a --token Secret-On-Line-1 --bogus")
    assert "Secret-On-Line-1" not in str(info.value)
