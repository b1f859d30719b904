"""Each client method sends Livy's request and returns a model."""

from __future__ import annotations

from collections.abc import Callable
from unittest import mock

import pytest
import requests

from sparkwire.livy import (
    BatchNotFound,
    BatchSpec,
    BearerAuth,
    LivyClient,
    SessionKind,
    SessionSpec,
    SessionState,
    StatementState,
)

from .conftest import FakeLivy

SESSION = {"id": 1, "name": "s", "state": "starting", "kind": "pyspark", "appId": None, "log": []}
BATCH = {"id": 2, "state": "running", "appId": "application_1_0002", "log": ["x"]}


def test_version(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("GET", "/version", {"version": "0.8.0-incubating", "user": "u"})
    assert client.version().version >= (0, 8)


def test_session_calls(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("POST", "/sessions", SESSION, status=201)
    fake_livy.reply("GET", "/sessions", {"from": 0, "total": 1, "sessions": [SESSION]})
    fake_livy.reply("GET", "/sessions/1", SESSION)
    fake_livy.reply("GET", "/sessions/1/state", {"id": 1, "state": "idle"})
    fake_livy.reply("GET", "/sessions/1/log", {"id": 1, "from": 3, "total": 5, "log": ["d", "e"]})
    fake_livy.reply("POST", "/sessions/1/connect", SESSION)
    fake_livy.reply("DELETE", "/sessions/1", {"msg": "deleted"})

    created = client.create_session(SessionSpec(kind=SessionKind.PYSPARK, name="s", driver_memory="1g"))
    assert created.id == 1 and created.state is SessionState.STARTING
    assert fake_livy.seen("POST", "/sessions")[0].json_body() == {
        "kind": "pyspark",
        "name": "s",
        "driverMemory": "1g",
    }

    page = client.list_sessions(from_=0, size=10)
    assert page.total == 1 and page.sessions[0].name == "s"
    assert fake_livy.seen("GET", "/sessions")[0].query == {"from": ["0"], "size": ["10"]}

    assert client.get_session(1).kind is SessionKind.PYSPARK
    assert client.session_state(1) is SessionState.IDLE

    log = client.session_log(1, size=2)
    assert log.lines == ("d", "e") and log.total == 5
    assert fake_livy.seen("GET", "/sessions/1/log")[0].query == {"size": ["2"]}  # no from: the last lines

    assert client.connect_session(1).id == 1
    client.delete_session(1)
    assert len(fake_livy.seen("DELETE", "/sessions/1")) == 1


def test_session_names_are_quoted_in_paths(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("GET", "/sessions/my%20etl", SESSION)
    assert client.get_session("my etl").id == 1


def test_statement_calls(fake_livy: FakeLivy, client: LivyClient) -> None:
    statement = {"id": 0, "code": "1 + 1", "state": "waiting", "output": None, "progress": 0.0}
    fake_livy.reply("POST", "/sessions/1/statements", statement, status=201)
    fake_livy.reply("GET", "/sessions/1/statements", {"total_statements": 1, "statements": [statement]})
    fake_livy.reply("GET", "/sessions/1/statements/0", statement)
    fake_livy.reply("POST", "/sessions/1/statements/0/cancel", {"msg": "canceled"})
    fake_livy.reply("POST", "/sessions/1/completion", {"candidates": ["spark", "sparkContext"]})

    submitted = client.submit_statement(1, "1 + 1", kind="python")
    assert submitted.state is StatementState.WAITING
    assert fake_livy.seen("POST", "/sessions/1/statements")[0].json_body() == {
        "code": "1 + 1",
        "kind": "pyspark",
    }
    client.submit_statement(1, "2")
    assert fake_livy.seen("POST", "/sessions/1/statements")[1].json_body() == {"code": "2"}

    assert client.list_statements(1).total == 1
    assert client.get_statement(1, 0).code == "1 + 1"
    client.cancel_statement(1, 0)
    assert client.complete(1, "spa", "pyspark", 3) == ["spark", "sparkContext"]
    assert fake_livy.seen("POST", "/sessions/1/completion")[0].json_body() == {
        "code": "spa",
        "kind": "pyspark",
        "cursor": 3,
    }


def test_batch_calls(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("POST", "/batches", BATCH, status=201)
    fake_livy.reply("GET", "/batches", {"from": 0, "total": 1, "sessions": [BATCH]})
    fake_livy.reply("GET", "/batches/2", BATCH)
    fake_livy.reply("GET", "/batches/2/state", {"id": 2, "state": "success"})
    fake_livy.reply("GET", "/batches/2/log", {"id": 2, "from": 0, "total": 1, "log": ["x"]})
    fake_livy.reply("DELETE", "/batches/2", {"msg": "deleted"})

    batch = client.create_batch(BatchSpec(file="local:///app.py", args=["1"]))
    assert batch.id == 2
    assert fake_livy.seen("POST", "/batches")[0].json_body() == {"file": "local:///app.py", "args": ["1"]}
    assert client.list_batches().batches[0].app_id == "application_1_0002"
    assert client.get_batch(2).state is SessionState.RUNNING
    assert client.batch_state(2) is SessionState.SUCCESS
    assert client.batch_log(2).lines == ("x",)
    client.delete_batch(2)
    with pytest.raises(BatchNotFound) as caught:
        client.delete_batch(3)
    assert caught.value.batch_id == 3
    client.delete_batch(3, missing_ok=True)


def test_extra_headers_and_bearer_token_are_sent(
    fake_livy: FakeLivy, make_client: Callable[..., LivyClient]
) -> None:
    fake_livy.reply("GET", "/sessions", {"from": 0, "total": 0, "sessions": []})
    client = make_client(auth=BearerAuth("tok"), headers={"X-Trace": "abc"})
    client.list_sessions()
    headers = fake_livy.requests[0].headers
    assert headers["Authorization"] == "Bearer tok" and headers["X-Trace"] == "abc"
    assert headers["X-Requested-By"] == "sparkwire"


def test_close_closes_only_a_session_the_client_created(fake_livy: FakeLivy) -> None:
    with mock.patch.object(requests.Session, "close", autospec=True) as close:
        with LivyClient(fake_livy.url):
            pass
        assert close.call_count == 1
        own = requests.Session()
        with LivyClient(fake_livy.url, session=own):
            pass
        assert close.call_count == 1


def test_a_callers_session_is_used(fake_livy: FakeLivy) -> None:
    fake_livy.reply("GET", "/sessions/1", SESSION)
    own = requests.Session()
    own.headers["X-From-Session"] = "yes"
    with LivyClient(fake_livy.url, session=own) as client:
        client.get_session(1)
    assert fake_livy.requests[0].headers["X-From-Session"] == "yes"
    own.close()
