"""Third-party authenticators: class paths, ``sparkwire.auth`` entry points and classes written for
sparkmagic, used against the real gateway behind a bearer token."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from sparkwire.engine import ConfigError
from sparkwire.engine.config import parse_config
from sparkwire.engine.endpoints import make_client
from sparkwire.livy import (
    AuthenticationFailed,
    CredentialsUnavailable,
    CustomAuth,
    LivyClient,
    auth_from_config,
)
from tests.support.auth_helpers import AUTH_MODULE, GATEWAY_TOKEN, write_auth_module
from tests.support.gateway_process import RunningGateway

# A plugin written for sparkwire: it reads its settings as a mapping (the endpoint's auth_options).
_SPARKWIRE_STYLE = """
import requests.auth


class Broken:
    def __init__(self, attributes):
        pass

    def __call__(self, request):
        raise RuntimeError("the SSO agent is not running")


class HeaderToken(requests.auth.AuthBase):
    def __init__(self, attributes):
        self.token = attributes["header_token"]
        self.prefix = attributes.get("prefix", "Bearer")

    def __call__(self, request):
        request.headers["Authorization"] = f"{self.prefix} {self.token}"
        return request
"""


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on sys.path with the plugin modules; they (and any sparkmagic stand-in) are unloaded after."""
    directory = write_auth_module(tmp_path / "plugins")
    (directory / "headerauth.py").write_text(textwrap.dedent(_SPARKWIRE_STYLE))
    monkeypatch.syspath_prepend(str(directory))
    yield directory
    for name in list(sys.modules):
        if name.split(".")[0] in ("sparkmagic", AUTH_MODULE, "headerauth"):
            del sys.modules[name]


@pytest.mark.parametrize("target", ["headerauth:HeaderToken", "headerauth.HeaderToken"])
def test_a_class_path_plugin_gets_its_options_and_signs_requests(
    plugin_dir: Path, token_gateway: RunningGateway, target: str
) -> None:
    auth = auth_from_config(target, options={"header_token": GATEWAY_TOKEN}, url=token_gateway.url)
    assert isinstance(auth, CustomAuth)
    with LivyClient(token_gateway.url, auth=auth) as client:
        assert client.list_sessions().total >= 0
    wrong = auth_from_config(target, options={"header_token": "nope"})
    with LivyClient(token_gateway.url, auth=wrong) as client, pytest.raises(AuthenticationFailed) as info:
        client.version()
    assert f"custom auth {target!r}" in str(info.value)


def test_an_entry_point_of_the_sparkwire_auth_group_is_found_by_name(
    plugin_dir: Path, token_gateway: RunningGateway
) -> None:
    # An installed distribution is a .dist-info folder on sys.path; importlib.metadata reads its entry points.
    info = plugin_dir / "headerauth_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: headerauth-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[sparkwire.auth]\nheader-token = headerauth:HeaderToken\n")
    auth = auth_from_config("header-token", options={"header_token": GATEWAY_TOKEN})
    with LivyClient(token_gateway.url, auth=auth) as client:
        assert client.version().version


def test_a_sparkmagic_authenticator_class_loads_without_sparkmagic_installed(
    plugin_dir: Path, token_gateway: RunningGateway
) -> None:
    assert importlib.util.find_spec("sparkmagic") is None  # the stand-in base class is what makes it load
    auth = auth_from_config(
        f"{AUTH_MODULE}.TeamToken", username="", password=GATEWAY_TOKEN, url=token_gateway.url
    )
    with LivyClient(token_gateway.url, auth=auth) as client:
        assert client.list_sessions().total >= 0
    team = sys.modules[AUTH_MODULE].TeamToken
    assert team.seen_urls == [token_gateway.url]  # sparkmagic's parsed attributes: .url, .password
    base = sys.modules["sparkmagic.auth.customauth"].Authenticator
    instance = base(None)
    assert instance.url == "http://example.com/livy" and instance.get_widgets("10em") == []


def test_the_attributes_object_reads_as_a_namespace_and_as_a_mapping_and_masks_the_password() -> None:
    from sparkwire.livy import AuthAttributes

    attributes = AuthAttributes(url="http://h", user="u", password="pw-Secret-1", region="eu")
    assert attributes.url == "http://h" and attributes["region"] == "eu" and attributes.get("missing") is None
    assert dict(attributes)["user"] == "u"
    assert "pw-Secret-1" not in repr(attributes)


@pytest.mark.parametrize(("target", "words"), [
    ("nosuchpackage.auth:Thing", "the auth class 'nosuchpackage.auth:Thing' could not be imported"),
    ("headerauth:Missing", "the auth class 'headerauth:Missing' does not exist"),
    ("headerauth:HeaderToken", "the auth class 'headerauth:HeaderToken' failed to start: KeyError"),
])  # fmt: skip
def test_a_class_that_cannot_be_loaded_is_named_in_a_config_error(
    plugin_dir: Path, target: str, words: str
) -> None:
    config = parse_config(
        {"endpoints": {"corp": {"url": "http://127.0.0.1:9", "auth": target}}}, source="test.json"
    )
    with pytest.raises(ConfigError) as info:
        make_client(config.endpoint("corp"))
    assert words in str(info.value) and str(info.value).startswith("Endpoint 'corp': ")


def test_an_unknown_plain_name_is_rejected_when_the_config_is_read() -> None:
    with pytest.raises(ConfigError, match="unknown authentication type 'okta'"):
        parse_config({"endpoints": {"corp": {"url": "http://h", "auth": "okta"}}}, source="test.json")


def test_a_plugin_failing_while_signing_is_named_in_a_livy_error(
    plugin_dir: Path, token_gateway: RunningGateway
) -> None:
    with (
        LivyClient(token_gateway.url, auth=auth_from_config("headerauth:Broken")) as client,
        pytest.raises(CredentialsUnavailable) as info,
    ):
        client.version()
    assert str(info.value) == (
        f"the auth class 'headerauth:Broken' failed to sign GET {token_gateway.url}/version: "
        "RuntimeError: the SSO agent is not running"
    )
