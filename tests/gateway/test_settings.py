"""Gateway settings: layering, validation, and secrets that never show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sparkwire.gateway.settings import GatewaySettings, Secret, SettingsError, load_settings


def test_defaults_bind_loopback_on_livys_port() -> None:
    settings = load_settings({}, environ={})
    assert (settings.host, settings.port, settings.master) == ("127.0.0.1", 8998, "local[*]")
    assert settings.auth_mode == "none"


def test_non_loopback_bind_without_auth_is_refused() -> None:
    with pytest.raises(SettingsError, match="requires auth"):
        load_settings({"host": "0.0.0.0"}, environ={})


@pytest.mark.parametrize("host", ["localhost", "127.0.0.2", "::1", "[::1]"])
def test_loopback_names_need_no_auth(host: str) -> None:
    assert load_settings({"host": host}, environ={}).host == host


def test_non_loopback_bind_with_token_is_allowed_and_token_is_masked() -> None:
    settings = load_settings({"host": "0.0.0.0", "auth_token": "s3cr3t-token"}, environ={})
    assert settings.auth_mode == "token"
    assert "s3cr3t-token" not in repr(settings)
    assert "s3cr3t-token" not in str(settings.auth_token)
    assert settings.auth_token == Secret("s3cr3t-token")


def test_basic_auth_needs_both_halves() -> None:
    with pytest.raises(SettingsError, match="both"):
        load_settings({"auth_user": "alice"}, environ={})


def test_precedence_cli_over_environment_over_file(tmp_path: Path) -> None:
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"gateway": {"port": 1111, "master": "spark://h:7077", "max_sessions": 3}}))
    environ = {"SPARKWIRE_GATEWAY_PORT": "2222", "SPARKWIRE_GATEWAY_MAX_SESSIONS": "5"}
    settings = load_settings({"port": 3333, "max_sessions": None}, environ=environ, config_file=config)
    assert settings.port == 3333  # command line wins
    assert settings.max_sessions == 5  # environment beats the file
    assert settings.master == "spark://h:7077"  # the file beats defaults


def test_unknown_setting_is_named(tmp_path: Path) -> None:
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"gateway": {"prot": 1}}))
    with pytest.raises(SettingsError, match="prot"):
        load_settings({}, environ={}, config_file=config)


def test_bad_file_and_bad_values_say_what_is_wrong(tmp_path: Path) -> None:
    config = tmp_path / "c.json"
    config.write_text("{not json")
    with pytest.raises(SettingsError, match="not valid JSON"):
        load_settings({}, environ={}, config_file=config)
    with pytest.raises(SettingsError, match="port"):
        load_settings({}, environ={"SPARKWIRE_GATEWAY_PORT": "eighty"})
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings({}, environ={}, config_file=tmp_path / "missing.json")


def test_spark_conf_from_environment_is_json() -> None:
    settings = load_settings({}, environ={"SPARKWIRE_GATEWAY_SPARK_CONF": '{"spark.executor.memory": "2g"}'})
    assert settings.spark_conf == {"spark.executor.memory": "2g"}


def test_dataclass_defaults_validate() -> None:
    assert GatewaySettings().validate().port == 8998


def test_recovery_is_on_by_default_and_off_from_the_environment_or_the_command_line() -> None:
    assert load_settings({}, environ={}).recovery is True
    assert load_settings({}, environ={"SPARKWIRE_GATEWAY_RECOVERY": "off"}).recovery is False
    assert load_settings({"recovery": "off", "worker_grace": 30}, environ={}).worker_grace == 30.0


def test_a_work_dir_too_deep_for_session_sockets_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="too deep for session sockets"):
        load_settings({"work_dir": str(tmp_path / ("d" * 120))}, environ={})


def test_output_limits_must_make_sense() -> None:
    with pytest.raises(SettingsError, match="max_output_bytes"):
        load_settings({"max_output_bytes": 0}, environ={})
