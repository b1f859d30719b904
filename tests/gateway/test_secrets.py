"""Secrets stay secret: refused when empty, parsed strictly, scrubbed from the process, masked in logs.

Each test names the finding of issue 11 it guards against.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sparkwire.gateway.auth import parse_authorization
from sparkwire.gateway.secrets_scrub import MASK, mask_conf, mask_text
from sparkwire.gateway.settings import SettingsError, load_settings
from sparkwire.gateway.spark_submit import SparkJobSpec, submit_args
from tests.support.gateway_process import RunningGateway, start_gateway


def _gateway_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sparkwire", "gateway", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )


# -- refused at start --------------------------------------------------------------------------
@pytest.mark.parametrize("token", ["", " ", "\t\n", "\xa0"])
def test_empty_or_whitespace_token_is_refused_at_start(token: str) -> None:
    """Finding: `SPARKWIRE_GATEWAY_AUTH_TOKEN= sparkwire gateway --host 0.0.0.0` started with auth=token."""
    result = _gateway_cli("--host", "0.0.0.0", env={"SPARKWIRE_GATEWAY_AUTH_TOKEN": token})
    assert result.returncode == 2
    assert "auth_token" in result.stderr and "Traceback" not in result.stderr


def test_token_a_header_cannot_carry_is_refused() -> None:
    with pytest.raises(SettingsError, match="only ASCII letters"):
        load_settings({"auth_token": "two words"}, environ={})


def test_whitespace_password_is_refused() -> None:
    with pytest.raises(SettingsError, match="auth_password is empty"):
        load_settings({"auth_user": "alice", "auth_password": "  "}, environ={})


def test_token_on_the_command_line_is_refused() -> None:
    """Finding: another gateway's --auth-token showed in /proc/*/cmdline."""
    result = _gateway_cli("--auth-token", "abcdef123456")
    assert result.returncode == 2
    assert "command line" in result.stderr and "abcdef123456" not in result.stderr


def test_token_file_must_be_private(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("s3cret-token-value\n")
    token_file.chmod(0o644)
    with pytest.raises(SettingsError, match="chmod 600"):
        load_settings({"auth_token_file": str(token_file)}, environ={})
    token_file.chmod(0o600)
    settings = load_settings({"auth_token_file": str(token_file)}, environ={})
    assert settings.auth_token is not None and settings.auth_token.reveal() == "s3cret-token-value"


def test_config_file_with_a_password_must_be_private(tmp_path: Path) -> None:
    config = tmp_path / "gateway.json"
    config.write_text(json.dumps({"gateway": {"auth_user": "alice", "auth_password": "pw-123"}}))
    config.chmod(0o644)
    with pytest.raises(SettingsError, match="other users can read it"):
        load_settings({}, environ={}, config_file=config)


# -- header parsing ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        b"Bearer \xa0",
        b"Bearer \x85",
        b"Bearer  tok",
        b"Bearer tok ",
        b"Bearer",
        b"Bearer t\xc2\xa0ok",
        b"Bearer tok\ttok",
    ],
)
def test_malformed_authorization_headers_are_not_credentials(raw: bytes) -> None:
    assert parse_authorization([raw]) is None


def test_two_authorization_headers_are_refused() -> None:
    assert parse_authorization([b"Bearer a", b"Bearer b"]) is None
    assert parse_authorization([b"bearer abc-DEF_1.2~3+4/5=="]) == ("bearer", "abc-DEF_1.2~3+4/5==")


@pytest.fixture(scope="module")
def token_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    running = start_gateway(
        tmp_path_factory.mktemp("secrets"), env={"SPARKWIRE_GATEWAY_AUTH_TOKEN": "t0ken-value"}
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize(
    "value", ["Bearer \xa0", "Bearer \x85", "Bearer t0ken-value\xa0", "Bearer  t0ken-value"]
)
def test_non_ascii_whitespace_tricks_get_a_401(token_gateway: RunningGateway, value: str) -> None:
    """Finding: on loopback, `Authorization: Bearer \\xa0` (also \\x85) got a 200."""
    reply = requests.get(f"{token_gateway.url}/sessions", headers={"Authorization": value}, timeout=10)
    assert reply.status_code == 401
    assert "malformed" in reply.json()["msg"]


def test_gateway_wipes_its_settings_from_its_environment(token_gateway: RunningGateway) -> None:
    """Finding: /proc/<gateway>/environ held the token."""
    environ = Path(f"/proc/{token_gateway.process.pid}/environ")
    assert b"t0ken-value" not in environ.read_bytes()


def test_hardening_wipes_the_c_environment_and_makes_the_process_non_dumpable() -> None:
    code = (
        "import ctypes, os\n"
        "from sparkwire.gateway.secrets_scrub import harden_process\n"
        "assert harden_process('SPARKWIRE_GATEWAY_')\n"
        "libc = ctypes.CDLL(None)\n"
        "print(libc.prctl(3, 0, 0, 0, 0), b'hunter2-token' in open('/proc/self/environ', 'rb').read(),"
        " 'SPARKWIRE_GATEWAY_AUTH_TOKEN' in os.environ, os.environ.get('KEEP'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "SPARKWIRE_GATEWAY_AUTH_TOKEN": "hunter2-token", "KEEP": "yes"},
    )
    assert result.stdout.split() == ["0", "False", "False", "yes"]


# -- masking -----------------------------------------------------------------------------------
def test_spark_redaction_pattern_masks_values_not_keys() -> None:
    line = (
        "starting (--conf spark.hadoop.fs.s3a.secret.key=AKIA/xyz --conf spark.executor.memory=2g "
        "--conf spark.hadoop.fs.s3a.access.key=AK1 -Dspark.ssl.keyPassword=pw1)"
    )
    masked = mask_text(line)
    assert "AKIA/xyz" not in masked and "AK1" not in masked and "pw1" not in masked
    assert "spark.executor.memory=2g" in masked and f"spark.hadoop.fs.s3a.secret.key={MASK}" in masked
    assert mask_text('{"spark.authenticate.secret": "abc"}') == f'{{"spark.authenticate.secret": "{MASK}"}}'
    assert mask_conf({"spark.a.token": "x", "spark.b": "y"}) == {"spark.a.token": MASK, "spark.b": "y"}
    assert MASK in mask_text("spark.hadoop.fs.azure.account.key.acct.blob.core.windows.net=abc")
    # Commas and spaces inside a secret do not let its tail through.
    assert mask_text("--conf spark.x.password=ab,cd next") == f"--conf spark.x.password={MASK} next"
    assert mask_text("--conf 'spark.x.password=ab cd' next") == f"--conf 'spark.x.password={MASK}' next"


def test_secret_conf_goes_to_a_private_properties_file_not_the_command_line(tmp_path: Path) -> None:
    secrets_file = tmp_path / "secret.properties"
    spec = SparkJobSpec(
        conf={"spark.hadoop.fs.s3a.secret.key": "s3-secret\\x", "spark.executor.memory": "1g"}
    )
    args = submit_args(spec, master="local[1]", secrets_file=secrets_file)
    assert not any("s3-secret" in a for a in args)
    assert args[args.index("--properties-file") + 1] == str(secrets_file)
    assert "spark.executor.memory=1g" in args
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    assert secrets_file.read_text() == "spark.hadoop.fs.s3a.secret.key=s3-secret\\\\x\n"
