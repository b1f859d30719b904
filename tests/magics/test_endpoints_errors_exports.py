"""Pure pieces of the magics, without a server: endpoints from flags, the exceptions, the exports."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from sparkwire import magics
from sparkwire.engine import EndpointConfig, ErrorInfo, SparkwireConfig, parse_config
from sparkwire.livy import Secret
from sparkwire.magics import _errors, _magics
from sparkwire.magics._args import mask, password_in
from sparkwire.magics._endpoints import resolve_endpoint


def _config() -> SparkwireConfig:
    return parse_config(
        {
            "endpoints": {
                "prod": {
                    "url": "https://livy.example:8998",
                    "auth": "basic",
                    "user": "svc",
                    "password": "pw",
                    "headers": {"X-Team": "data"},
                }
            },
            "default_endpoint": "prod",
        },
        source="test",
    )


def test_no_url_means_the_default_endpoint_and_a_name_means_a_configured_one() -> None:
    config = _config()
    assert resolve_endpoint(config).name == "prod"
    assert resolve_endpoint(config, url="prod").username == "svc"


def test_a_configured_url_reuses_its_settings() -> None:
    same = resolve_endpoint(_config(), url="https://livy.example:8998/")
    assert same.headers == {"X-Team": "data"} and same.auth == "basic" and same.username == "svc"


def test_user_and_password_mean_basic_access_as_in_sparkmagic() -> None:
    other = resolve_endpoint(_config(), url="http://other:8998", user="bob", password=Secret("pw2"))
    assert (other.auth, other.username, other.password) == ("basic", "bob", Secret("pw2"))
    assert isinstance(other, EndpointConfig) and "pw2" not in repr(other)


def test_credentials_in_the_url_are_taken_out_of_it() -> None:
    inline = resolve_endpoint(_config(), url="http://carol:s%40cret@host:1/livy")
    assert inline.url == "http://host:1/livy" and inline.username == "carol" and inline.auth == "basic"
    assert (
        inline.password is not None and inline.password.reveal() == "s@cret" and "s@cret" not in repr(inline)
    )


@pytest.mark.parametrize(
    ("given", "auth"), [("None", "none"), ("Basic_Access", "basic"), ("kerberos", "kerberos")]
)
def test_sparkmagic_auth_names(given: str, auth: str) -> None:
    endpoint = resolve_endpoint(_config(), url="http://x:1", auth=given, user="u", password=Secret("p"))
    assert endpoint.auth == auth


def test_bad_endpoint_flags_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="-u must be a URL"):
        resolve_endpoint(_config(), url="livy.example")
    with pytest.raises(UsageError, match="needs a user"):
        resolve_endpoint(_config(), url="http://x:1", auth="Basic_Access")


def test_passwords_are_found_and_masked() -> None:
    line = "add -s a -p first --password=second -pthird 'quoted -p fourth'"
    assert password_in(line) == ["first", "second", "third"]
    assert (
        mask("first, second and firstsecond", password_in(line)) == "********, ******** and ****************"
    )


def test_errors_are_named_after_the_remote_exception() -> None:
    error = _errors.spark_error(
        ErrorInfo("py4j.protocol.Py4JJavaError", "boom", ("Traceback", "Py4JJavaError: boom"))
    )
    assert type(error).__name__ == "Py4JJavaError" and isinstance(error, magics.SparkError)
    assert error._render_traceback_() == ["Traceback", "Py4JJavaError: boom"] and str(error) == "boom"
    assert type(_errors.spark_error(ErrorInfo("not a name!", "x"))) is magics.SparkError
    assert _errors.spark_error(ErrorInfo("E", "")).__class__.__module__ == "sparkwire.magics"


def test_exports() -> None:
    assert len(magics.__all__) == len(set(magics.__all__))
    assert set(_magics.__all__) <= set(magics.__all__) and "SparkError" in magics.__all__
    for name in magics.__all__:
        assert hasattr(magics, name), name
    assert magics.SparkMagics.__module__ == magics.SparkError.__module__ == "sparkwire.magics"
