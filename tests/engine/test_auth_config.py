"""Auth, TLS, retry and proxy-user settings of an endpoint, from sparkwire's file, sparkmagic's file and
the environment; each built into the client every front door uses (``make_client``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sparkwire.engine import ConfigError, SessionRegistry
from sparkwire.engine.config import load_config, parse_config
from sparkwire.engine.endpoints import endpoint_auth
from sparkwire.livy import BearerAuth, CustomAuth, KerberosAuth, RetryPolicy

from .fake_livy import FakeLivy


def endpoint(**settings: Any) -> Any:
    return parse_config(
        {"endpoints": {"e": {"url": "https://livy.example:8998", **settings}}}, source="f.json"
    ).endpoint("e")


def sparkmagic(tmp_path: Path, data: dict[str, Any]) -> Any:
    (tmp_path / "sm").mkdir(exist_ok=True)
    (tmp_path / "sm" / "config.json").write_text(json.dumps(data))
    return load_config({"HOME": str(tmp_path), "SPARKMAGIC_CONF_DIR": str(tmp_path / "sm")})


def test_kerberos_options_reach_the_kerberos_auth() -> None:
    options = {
        "principal": "alice@EXAMPLE.COM",
        "hostname_override": "knox.example.com",
        "mutual_authentication": "REQUIRED",
        "service": "HTTP",
        "delegate": True,
    }
    auth = endpoint_auth(endpoint(auth="Kerberos", auth_options=options))
    assert auth == KerberosAuth(
        mutual_authentication="required",
        service="HTTP",
        hostname_override="knox.example.com",
        principal="alice@EXAMPLE.COM",
        delegate=True,
    )
    assert auth.describe() == "Kerberos as 'alice@EXAMPLE.COM'"


@pytest.mark.parametrize(("options", "words"), [
    ({"mutual_authentication": "sometimes"}, "mutual_authentication must be 'required', 'optional' or 'disabled'"),
    ({"delegate": "yes"}, "'delegate' must be true or false"),
    ({"principle": "alice"}, "unknown auth_options ['principle']"),
])  # fmt: skip
def test_bad_kerberos_options_name_the_file_and_endpoint(options: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigError) as info:
        endpoint(auth="kerberos", auth_options=options)
    assert words in str(info.value) and str(info.value).startswith("f.json: endpoint 'e': ")


def test_sparkmagic_kerberos_auth_configuration_is_mapped(tmp_path: Path) -> None:
    config = sparkmagic(
        tmp_path,
        {
            "kernel_python_credentials": {
                "url": "https://knox.example.com:8443/gateway/default/livy/v1",
                "auth": "Kerberos",
            },
            "kerberos_auth_configuration": {
                "mutual_authentication": 3,
                "hostname_override": "knox.example.com",
                "principal": "svc@EXAMPLE.COM",
                "delegate": False,
                "force_preemptive": True,
            },
        },
    )
    auth = endpoint_auth(config.endpoint())
    assert auth == KerberosAuth(
        mutual_authentication="disabled", hostname_override="knox.example.com", principal="svc@EXAMPLE.COM"
    )


def test_sparkmagic_authenticators_map_sparkmagic_classes_to_built_ins_and_others_to_class_paths(
    tmp_path: Path,
) -> None:
    authenticators = {
        "Basic_Access": "sparkmagic.auth.basic.Basic",
        "Google": "googledataprocauthenticator.google.GoogleAuth",
    }
    basic = sparkmagic(
        tmp_path,
        {
            "authenticators": authenticators,
            "kernel_python_credentials": {
                "url": "http://h:8998",
                "auth": "Basic_Access",
                "username": "u",
                "password": "p",
            },
        },
    )
    assert basic.endpoint().auth == "basic"
    google = sparkmagic(
        tmp_path,
        {
            "authenticators": authenticators,
            "kernel_python_credentials": {
                "url": "https://dataproc.example/gateway/default/livy",
                "auth": "Google",
                "username": "",
                "password": "",
            },
        },
    )
    auth = endpoint_auth(google.endpoint())
    assert isinstance(auth, CustomAuth) and auth.target == "googledataprocauthenticator.google.GoogleAuth"
    assert auth.url == "https://dataproc.example/gateway/default/livy"
    with pytest.raises(ConfigError, match=r"'Okta', which is not in \"authenticators\""):
        sparkmagic(
            tmp_path,
            {
                "authenticators": authenticators,
                "kernel_python_credentials": {"url": "http://h", "auth": "Okta"},
            },
        )


def test_an_authenticators_map_in_sparkwires_file_names_classes_for_auth() -> None:
    config = parse_config(
        {
            "authenticators": {"Corp": "corp.auth:Sso", "Kerb": "sparkmagic.auth.kerberos.Kerberos"},
            "endpoints": {"a": {"url": "http://a", "auth": "Corp"}, "b": {"url": "http://b", "auth": "Kerb"}},
            "default_endpoint": "a",
        },
        source="f.json",
    )
    assert config.endpoint("a").auth == "corp.auth:Sso" and config.endpoint("b").auth == "kerberos"
    assert dict(config.authenticators) == {
        "Corp": "corp.auth:Sso",
        "Kerb": "sparkmagic.auth.kerberos.Kerberos",
    }
    with pytest.raises(ConfigError, match="must map auth names to class paths"):
        parse_config({"authenticators": {"Corp": 3}}, source="f.json")


def test_sparkmagic_retry_policy_is_mapped(tmp_path: Path) -> None:
    config = sparkmagic(
        tmp_path,
        {
            "kernel_python_credentials": {"url": "http://h:8998"},
            "retry_policy": "configurable",
            "configurable_retry_policy_max_retries": 5,
            "retry_seconds_to_sleep_list": [0.2, 0.5, 1, 3, 5],
        },
    )
    assert config.endpoint().retry_policy == RetryPolicy(retries=5, backoff=0.2, factor=2.0, cap=5.0)


def test_a_retry_policy_per_endpoint_and_its_errors() -> None:
    assert endpoint(retry_policy={"max_retries": 0}).retry_policy == RetryPolicy(retries=0)
    assert endpoint(retry_policy={"max_retries": 6, "backoff": 1, "cap": 30}).retry_policy == RetryPolicy(
        retries=6, backoff=1.0, factor=2.0, cap=30.0
    )
    for bad, words in (
        ({"max_retries": -1}, "retries must be >= 0"),
        ({"tries": 3}, "unknown key(s) ['tries']"),
        ({"max_retries": 2.5}, "whole number"),
        ({"backoff": "1s"}, "must be a number"),
    ):
        with pytest.raises(ConfigError) as info:
            endpoint(retry_policy=bad)
        assert words in str(info.value)


def test_proxy_user_placeholders_are_filled_in_when_a_session_is_created() -> None:
    """The in-memory client records the body; a real server would cost a JVM start to show the same."""
    fake = FakeLivy()
    config = parse_config(
        {"endpoints": {"hub": {"url": "http://h", "proxy_user": "{JUPYTERHUB_USER}"}}}, source="f"
    )
    hub = config.endpoint("hub")
    assert hub.session_proxy_user({"JUPYTERHUB_USER": "alice", "USER": "jovyan"}) == "alice"
    assert (
        hub.with_proxy_user({"kind": "pyspark", "proxyUser": "bob"}, {"JUPYTERHUB_USER": "alice"})[
            "proxyUser"
        ]
        == "bob"
    )
    with pytest.raises(
        ConfigError, match=r"proxy_user uses \{JUPYTERHUB_USER\}, but \$JUPYTERHUB_USER is not set"
    ):
        hub.session_proxy_user({})
    with pytest.raises(ConfigError, match=r"placeholder \{HOME\} is unknown"):
        parse_config({"endpoints": {"x": {"url": "http://h", "proxy_user": "{HOME}"}}}, source="f")
    registry = SessionRegistry(config, client_factory=lambda _: fake)  # type: ignore[arg-type,return-value]
    registry.add("main", body={"kind": "pyspark"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTERHUB_USER", "alice")
        registry.ensure_started("main")
    assert fake.created[0]["proxyUser"] == "alice"


def test_the_environment_sets_a_token_command_client_certificates_and_proxy_user(tmp_path: Path) -> None:
    config = load_config(
        {
            "HOME": str(tmp_path),
            "SPARKWIRE_URL": "https://livy.example",
            "SPARKWIRE_TOKEN_COMMAND": "gcloud auth print-access-token",
            "SPARKWIRE_CLIENT_CERT": "~/alice.pem",
            "SPARKWIRE_PROXY_USER": "{USER}",
        }
    )
    found = config.endpoint()
    auth = endpoint_auth(found)
    assert isinstance(auth, BearerAuth) and auth.token_command is not None
    assert auth.token_command.argv == ("gcloud", "auth", "print-access-token")
    assert (
        isinstance(found.tls_cert, str)
        and found.tls_cert.endswith("/alice.pem")
        and "~" not in found.tls_cert
    )
    assert found.session_proxy_user({"USER": "jovyan"}) == "jovyan"


def test_secrets_stay_out_of_reprs_and_descriptions() -> None:
    found = endpoint(auth="bearer", token="Tok-En-123", auth_options={})
    custom = endpoint(
        auth="corp.auth:Sso", user="u", password="Pass-Word-9", auth_options={"client_secret": "Cs-1"}
    )
    for text in (
        repr(found),
        found.describe(),
        repr(endpoint_auth(found)),
        repr(custom),
        custom.describe(),
        repr(endpoint_auth(custom)),
    ):
        assert "Tok-En-123" not in text and "Pass-Word-9" not in text and "Cs-1" not in text
