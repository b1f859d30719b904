"""Configuration values: polling intervals, timeouts, retries, secrets, auth, URLs."""

from __future__ import annotations

import base64
import itertools
import sys

import pytest
import requests

from sparkwire.livy import (
    DEFAULT_TIMEOUT,
    USE_CLIENT_DEFAULT,
    BasicAuth,
    BearerAuth,
    KerberosAuth,
    LivyClient,
    MissingDependency,
    NoAuth,
    RetryPolicy,
    Secret,
    Timeout,
    UseClientDefault,
    auth_from_config,
    polling_intervals,
    redact_url,
)


def test_polling_intervals_start_in_milliseconds_and_back_off_to_the_cap() -> None:
    intervals = list(itertools.islice(polling_intervals(), 2000))
    assert intervals[0] == 0.002
    assert all(later >= earlier for earlier, later in itertools.pairwise(intervals))
    assert max(intervals) == intervals[-1] == 1.0
    assert sum(intervals[:10]) < 0.05  # a quick statement comes back quickly


def _waste_bound(intervals: list[float]) -> float:
    """The largest share of the time already waited that one interval can add after a statement ends."""
    waited, worst = 0.0, 0.0
    for interval in intervals:
        if waited >= 1.0:
            worst = max(worst, interval / waited)
        waited += interval
    return worst


def test_polling_adds_at_most_the_ratio_to_a_long_wait() -> None:
    intervals = list(itertools.islice(polling_intervals(ratio=0.05), 400))
    assert _waste_bound(intervals) <= 0.05 + 1e-9
    waited_until_cap = sum(itertools.takewhile(lambda i: i < 1.0, intervals))
    assert 15 < waited_until_cap < 25  # the cap is reached once 5% of the wait is a second
    assert len([i for i in intervals if i < 1.0]) < 200  # requests grow logarithmically, not linearly


def test_polling_intervals_with_custom_values() -> None:
    assert list(itertools.islice(polling_intervals(start=1, factor=2, cap=5, ratio=None), 5)) == [
        1,
        2,
        4,
        5,
        5,
    ]
    assert list(itertools.islice(polling_intervals(start=0.1, factor=1, cap=0.1), 3)) == [0.1, 0.1, 0.1]
    assert list(itertools.islice(polling_intervals(start=1, factor=2, cap=5, ratio=0.5), 4)) == [1, 1, 1, 1.5]


@pytest.mark.parametrize(
    ("start", "factor", "cap", "ratio"),
    [(0, 1.5, 1, 0.05), (0.1, 0.5, 1, 0.05), (0.5, 1.5, 0.1, 0.05), (0.1, 1.5, 1, 0)],
)
def test_polling_intervals_reject_bad_values(start: float, factor: float, cap: float, ratio: float) -> None:
    with pytest.raises(ValueError):
        next(polling_intervals(start=start, factor=factor, cap=cap, ratio=ratio))


def test_timeout_normalisation() -> None:
    assert Timeout.of(5) == Timeout(connect=5.0, read=5.0)
    assert Timeout.of(None) == Timeout(connect=None, read=None)
    assert Timeout.of(None).as_requests() is None
    assert Timeout.of((1.0, None)).as_requests() == (1.0, None)
    assert Timeout.of(DEFAULT_TIMEOUT) is DEFAULT_TIMEOUT
    assert DEFAULT_TIMEOUT.describe() == "connect 10 s, read 60 s"
    with pytest.raises(ValueError):
        Timeout(connect=-1)


def test_use_client_default_is_distinct_from_none() -> None:
    assert USE_CLIENT_DEFAULT is not None
    assert isinstance(USE_CLIENT_DEFAULT, UseClientDefault)
    assert repr(USE_CLIENT_DEFAULT) == "USE_CLIENT_DEFAULT"


def test_retry_policy_delays_grow_to_the_cap() -> None:
    assert list(RetryPolicy(retries=4, backoff=0.5, factor=2, cap=1.5).delays()) == [0.5, 1.0, 1.5, 1.5]
    assert list(RetryPolicy(retries=0).delays()) == []
    with pytest.raises(ValueError):
        RetryPolicy(retries=-1)


def test_secret_masks_its_value() -> None:
    secret = Secret("hunter2")
    assert "hunter2" not in repr(secret) and "hunter2" not in str(secret) and "hunter2" not in f"{secret}"
    assert secret.reveal() == "hunter2"
    assert Secret(secret).reveal() == "hunter2"
    assert secret == Secret("hunter2") and secret != Secret("other")


def test_basic_auth_repr_masks_the_password() -> None:
    auth = BasicAuth("alice", "hunter2")
    assert "hunter2" not in repr(auth)
    assert "alice" in repr(auth)
    assert "hunter2" not in auth.describe()
    prepared = requests.Request("GET", "http://livy/", auth=auth.requests_auth()).prepare()
    assert prepared.headers["Authorization"] == "Basic " + base64.b64encode(b"alice:hunter2").decode()


def test_bearer_auth_sets_the_authorization_header() -> None:
    auth = BearerAuth("tok-123")
    assert "tok-123" not in repr(auth)
    prepared = requests.Request("GET", "http://livy/", auth=auth.requests_auth()).prepare()
    assert prepared.headers["Authorization"] == "Bearer tok-123"


def test_no_auth_sends_nothing() -> None:
    assert NoAuth().requests_auth() is None


def test_kerberos_without_requests_kerberos_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "requests_kerberos", None)  # makes the import fail
    with pytest.raises(MissingDependency) as caught:
        LivyClient("http://localhost:8998", auth=KerberosAuth())
    assert "pip install 'sparkwire[kerberos]'" in str(caught.value)
    assert caught.value.package == "requests_kerberos"


def test_auth_from_config() -> None:
    assert auth_from_config("None") == NoAuth()
    assert auth_from_config("Basic_Access", username="a", password="p") == BasicAuth("a", "p")
    assert auth_from_config("kerberos") == KerberosAuth()
    assert auth_from_config("bearer", token="t") == BearerAuth("t")
    with pytest.raises(ValueError, match="username and a password"):
        auth_from_config("basic", username="a")
    with pytest.raises(ValueError, match="unknown authentication type"):
        auth_from_config("ntlm")


def test_redact_url_removes_credentials() -> None:
    assert redact_url("https://alice:hunter2@livy.example:8998/x?y=1") == "https://livy.example:8998/x?y=1"
    assert redact_url("http://livy:8998") == "http://livy:8998"


def test_credentials_in_the_url_become_basic_auth_and_leave_the_url() -> None:
    client = LivyClient("http://alice:p%40ss@livy.example:8998/gateway/livy/")
    assert client.url == "http://livy.example:8998/gateway/livy"
    assert client.transport.auth == BasicAuth("alice", "p@ss")
    assert "p@ss" not in repr(client)
    client.close()


def test_bad_urls_and_ca_paths_are_rejected() -> None:
    with pytest.raises(ValueError, match="not an http"):
        LivyClient("livy.example:8998")
    with pytest.raises(ValueError, match="no CA bundle"):
        LivyClient("https://livy.example", verify="/nonexistent/ca.pem")
