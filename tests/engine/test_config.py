"""Configuration: defaults, our file, sparkmagic's file, the environment, and their precedence."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from sparkwire.engine import DEFAULT_URL, ConfigError, load_config, parse_config
from sparkwire.engine.config import ConfigWarning
from sparkwire.livy import Secret
from tests.support.sparkmagic_example import HONOURED, example_config


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def env(home: Path, **values: str) -> dict[str, str]:
    return {"HOME": str(home), **values}


def test_nothing_configured_means_the_local_gateway(home: Path) -> None:
    config = load_config(env(home))
    endpoint = config.endpoint()
    assert endpoint.url == DEFAULT_URL == "http://127.0.0.1:8998"
    assert endpoint.auth == "none"
    assert config.source == "defaults"
    assert config.kernel.keep_session_on_shutdown is False


def test_file_endpoints_profiles_and_kernel_options(home: Path) -> None:
    write(
        home / ".sparkwire" / "config.json",
        {
            "endpoints": {
                "prod": {
                    "url": "https://livy.example.com:8998/",
                    "auth": "basic",
                    "user": "alice",
                    "password": "s3cret",
                    "headers": {"X-Team": "data"},
                },
                "dev": {"url": "http://dev:8998"},
            },
            "default_endpoint": "prod",
            "session": {"driverMemory": "2g", "conf": {"spark.a": "1"}},
            "profiles": {"big": {"executorMemory": "8g", "conf": {"spark.b": "2"}}},
            "kernel": {"keep_session_on_shutdown": True, "session_start_timeout": 30, "progress": "text"},
        },
    )
    config = load_config(env(home))
    prod = config.endpoint()
    assert (prod.name, prod.url, prod.auth, prod.username) == (
        "prod",
        "https://livy.example.com:8998",
        "basic",
        "alice",
    )
    assert prod.password == Secret("s3cret")
    assert dict(prod.headers) == {"X-Team": "data"}
    assert config.endpoint("dev").url == "http://dev:8998"
    assert config.kernel.keep_session_on_shutdown is True
    assert config.kernel.session_start_timeout == 30.0
    assert config.kernel.progress == "text"
    # Cell > profile > file defaults, with conf merged key by key.
    body = config.session_body(config.profile("big"), {"driverMemory": "4g", "conf": {"spark.c": "3"}})
    assert body == {
        "driverMemory": "4g",
        "executorMemory": "8g",
        "conf": {"spark.a": "1", "spark.b": "2", "spark.c": "3"},
    }


def test_passwords_never_show_in_reprs(home: Path) -> None:
    write(
        home / ".sparkwire" / "config.json",
        {
            "endpoints": {
                "p": {
                    "url": "http://h:1",
                    "auth": "basic",
                    "user": "u",
                    "password": "hunter2",
                    "headers": {"Authorization": "Bearer tok3n"},
                }
            }
        },
    )
    config = load_config(env(home))
    assert "hunter2" not in repr(config)
    assert "tok3n" not in repr(config)
    assert "hunter2" not in config.endpoint().describe()


def test_environment_overrides_the_file(home: Path) -> None:
    write(
        home / ".sparkwire" / "config.json",
        {
            "endpoints": {
                "prod": {"url": "http://prod:8998", "auth": "basic", "user": "alice", "password": "pw"}
            }
        },
    )
    # Same URL: the file's credentials stay, the environment's user wins.
    config = load_config(env(home, SPARKWIRE_URL="http://prod:8998", SPARKWIRE_USER="bob"))
    assert (config.endpoint().username, config.endpoint().password) == ("bob", Secret("pw"))
    # Another URL: the file's credentials are not sent to it.
    config = load_config(env(home, SPARKWIRE_URL="http://elsewhere:8998"))
    assert (config.endpoint().url, config.endpoint().auth, config.endpoint().password) == (
        "http://elsewhere:8998",
        "none",
        None,
    )
    # User and password alone mean Basic auth, as sparkmagic infers it.
    config = load_config(env(home, SPARKWIRE_URL="http://x:1", SPARKWIRE_USER="u", SPARKWIRE_PASSWORD="p"))
    assert (config.endpoint().auth, config.endpoint().password) == ("basic", Secret("p"))


def test_environment_picks_a_named_endpoint(home: Path) -> None:
    write(
        home / ".sparkwire" / "config.json",
        {"endpoints": {"a": {"url": "http://a:1"}, "b": {"url": "http://b:1"}}, "default_endpoint": "a"},
    )
    assert load_config(env(home, SPARKWIRE_ENDPOINT="b")).endpoint().url == "http://b:1"
    with pytest.raises(ConfigError, match="No endpoint named 'c'"):
        load_config(env(home, SPARKWIRE_ENDPOINT="c"))


def test_sparkwire_config_variable_names_the_file(tmp_path: Path, home: Path) -> None:
    path = write(tmp_path / "elsewhere.json", {"endpoints": {"x": {"url": "http://x:9"}}})
    assert load_config(env(home, SPARKWIRE_CONFIG=str(path))).endpoint().url == "http://x:9"
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(env(home, SPARKWIRE_CONFIG=str(tmp_path / "missing.json")))


def test_sparkmagic_config_is_read_when_ours_is_absent(home: Path) -> None:
    write(
        home / ".sparkmagic" / "config.json",
        {
            "kernel_python_credentials": {
                "username": "carol",
                "password": "pw",
                "url": "https://magic:8998",
                "auth": "Basic_Access",
            },
            "session_configs": {"driverMemory": "1000M", "executorCores": 2},
            "ignore_ssl_errors": True,
            "livy_session_startup_timeout_seconds": 120,
            "some_unrelated_sparkmagic_option": 1,
        },
    )
    config = load_config(env(home))
    endpoint = config.endpoint()
    assert (endpoint.url, endpoint.auth, endpoint.username, endpoint.verify) == (
        "https://magic:8998",
        "basic",
        "carol",
        False,
    )
    assert endpoint.password == Secret("pw")
    assert dict(config.session_defaults) == {"driverMemory": "1000M", "executorCores": 2}
    assert config.kernel.session_start_timeout == 120.0
    assert config.source.endswith(".sparkmagic/config.json")


@pytest.mark.parametrize(
    ("credentials", "auth"),
    [
        ({"username": "", "password": "", "url": "http://l:8998", "auth": "None"}, "none"),
        ({"username": "u", "password": "p", "url": "http://l:8998"}, "basic"),  # no "auth": inferred
        ({"url": "http://l:8998", "auth": "Kerberos"}, "kerberos"),
    ],
)
def test_sparkmagic_auth_types(home: Path, credentials: dict[str, str], auth: str) -> None:
    write(home / ".sparkmagic" / "config.json", {"kernel_python_credentials": credentials})
    assert load_config(env(home)).endpoint().auth == auth


def test_sparkmagic_base64_password_and_conf_dir(tmp_path: Path, home: Path) -> None:
    encoded = base64.b64encode(b"p@ss").decode()
    write(
        tmp_path / "magic" / "custom.json",
        {
            "kernel_python_credentials": {
                "username": "u",
                "base64_password": encoded,
                "url": "http://m:1",
                "auth": "Basic_Access",
            }
        },
    )
    config = load_config(
        env(home, SPARKMAGIC_CONF_DIR=str(tmp_path / "magic"), SPARKMAGIC_CONF_FILE="custom.json")
    )
    assert config.endpoint().password == Secret("p@ss")


def test_ours_wins_over_sparkmagics(home: Path) -> None:
    write(home / ".sparkmagic" / "config.json", {"kernel_python_credentials": {"url": "http://magic:1"}})
    write(home / ".sparkwire" / "config.json", {"endpoints": {"ours": {"url": "http://ours:1"}}})
    assert load_config(env(home)).endpoint().url == "http://ours:1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON (line 1"),
        ({"endpoints": {"a": {"url": "ftp://x"}}}, 'needs a "url" starting with http'),
        (
            {"endpoints": {"a": {"url": "http://x", "auth": "basic", "user": "u"}}},
            "basic authentication needs",
        ),
        ({"endpoints": {"a": {"url": "http://x", "auth": "ntlm"}}}, "unknown authentication type 'ntlm'"),
        ({"endpoints": {"a": {"url": "http://x"}}, "default_endpoint": "b"}, "\"default_endpoint\" is 'b'"),
        (
            {"endpoints": {"a": {"url": "http://x"}, "b": {"url": "http://y"}}},
            "name the one to use by default",
        ),
        (
            {"session": {"driverMemory": "1g", "executorMem": "2g"}},
            "unknown session setting(s) 'executorMem'",
        ),
        ({"session": {"numExecutors": "many"}}, "'numExecutors' must be a whole number"),
        ({"kernel": {"progress": "fancy"}}, "must be auto, widget, text or off"),
    ],
)
def test_invalid_files_say_what_to_fix(home: Path, data: Any, message: str) -> None:
    path = write(home / ".sparkwire" / "config.json", data)
    with pytest.raises(ConfigError) as info:
        load_config(env(home))
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_unknown_profile_lists_the_known_ones() -> None:
    config = parse_config({"profiles": {"small": {"driverMemory": "1g"}}}, source="test")
    with pytest.raises(ConfigError, match="No session profile named 'huge'.*small"):
        config.profile("huge")


@pytest.mark.parametrize("content", ["", "   \n\t\n"])
def test_an_empty_sparkmagic_file_means_the_defaults(home: Path, content: str) -> None:
    """sparkmagic creates ~/.sparkmagic/config.json empty on first use and reads it as "no overrides"."""
    write(home / ".sparkmagic" / "config.json", content)
    config = load_config(env(home))
    assert config.endpoint().url == "http://localhost:8998"  # sparkmagic's own default
    assert config.endpoint().auth == "none"
    assert dict(config.session_defaults) == {}
    assert config.notes == ()


def test_an_empty_file_of_ours_means_the_defaults(home: Path) -> None:
    write(home / ".sparkwire" / "config.json", "\n")
    assert load_config(env(home)).endpoint().url == DEFAULT_URL


def test_every_sparkmagic_example_key_is_honoured_or_noted(home: Path) -> None:
    data = example_config("https://livy.example:8998")
    write(home / ".sparkmagic" / "config.json", data)
    config = load_config(env(home))
    endpoint = config.endpoint()
    assert (endpoint.url, endpoint.auth, endpoint.verify) == ("https://livy.example:8998", "none", True)
    assert dict(endpoint.headers) == {"X-Team": "analytics"}
    assert dict(config.session_defaults) == {"driverMemory": "1000M", "executorCores": 1}
    assert config.kernel.session_start_timeout == 90.0
    ignored = [key for key in data if key not in HONOURED]
    assert len(config.notes) == len(ignored) == 11
    assert dict(config.endpoints).keys() == {"sparkmagic"}  # Scala's and R's credentials are Python's
    for key, note in zip(ignored, config.notes, strict=True):
        assert note.startswith(f"sparkmagic's '{key}' is ignored: ") and "\n" not in note


def test_sparkmagic_scala_and_r_credentials_of_another_server_give_those_kernels_their_endpoint(
    home: Path,
) -> None:
    write(
        home / ".sparkmagic" / "config.json",
        {
            "kernel_python_credentials": {"url": "http://python-livy:8998", "auth": "None"},
            "kernel_scala_credentials": {"url": "http://scala-livy:8998", "username": "s", "password": "pw"},
            "kernel_r_credentials": {
                "url": "http://python-livy:8998",
                "auth": "None",
            },  # the same: no second endpoint
        },
    )
    config = load_config(env(home))
    assert config.endpoint().url == "http://python-livy:8998"
    assert dict(config.kernel.language_endpoints) == {"scala": "sparkmagic-scala"}
    scala = config.endpoint("sparkmagic-scala")
    assert (scala.url, scala.auth, scala.username, scala.password) == (
        "http://scala-livy:8998",
        "basic",
        "s",
        Secret("pw"),
    )
    assert not any("kernel_scala_credentials" in note for note in config.notes)


def test_language_endpoints_must_name_an_endpoint(home: Path) -> None:
    write(
        home / ".sparkwire" / "config.json",
        {"endpoints": {"a": {"url": "http://a:1"}}, "kernel": {"language_endpoints": {"scala": "b"}}},
    )
    with pytest.raises(ConfigError, match="gives scala the endpoint 'b'"):
        load_config(env(home))


def test_an_unknown_sparkmagic_key_is_noted(home: Path) -> None:
    write(home / ".sparkmagic" / "config.json", {"some_future_option": 1})
    assert load_config(env(home)).notes == (
        "sparkmagic's 'some_future_option' is ignored: sparkwire does not know this setting.",
    )


def test_unknown_keys_of_ours_are_noted_and_warned_not_fatal(home: Path) -> None:
    path = write(
        home / ".sparkwire" / "config.json",
        {
            "endpoint": {},
            "endpoints": {"a": {"url": "http://x:1", "colour": "blue"}},
            "kernel": {"progress": "text", "speed": 3},
        },
    )
    with pytest.warns(ConfigWarning) as warned:
        config = load_config(env(home))
    assert config.endpoint().url == "http://x:1" and config.kernel.progress == "text"
    assert len(config.notes) == 3
    assert config.notes[0].startswith(f"{path}: the file has unknown key(s) ['endpoint'], ignored; known: ")
    assert "endpoint 'a' has unknown key(s) ['colour']" in config.notes[1]
    assert "\"kernel\" has unknown key(s) ['speed']" in config.notes[2]
    assert [str(w.message) for w in warned] == list(config.notes)


def test_start_session_is_on_first_cell_unless_the_file_says_on_kernel_start() -> None:
    assert parse_config({}, source="test").kernel.start_session == "on_first_cell"
    config = parse_config({"kernel": {"start_session": "on_kernel_start"}}, source="test")
    assert config.kernel.start_session == "on_kernel_start"
    with pytest.raises(ConfigError, match='kernel "start_session" must be on_first_cell or on_kernel_start'):
        parse_config({"kernel": {"start_session": "eagerly"}}, source="test")
