"""Models parse what Livy 0.5–0.9 really send: absent optional keys, extra keys, unknown states."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from sparkwire.livy import (
    BUSY_STATES,
    FINAL_STATEMENT_STATES,
    FINAL_STATES,
    NOT_READY_STATES,
    READY_STATES,
    STARTING_STATES,
    AppInfo,
    Batch,
    BatchList,
    Output,
    OutputStatus,
    Session,
    SessionKind,
    SessionList,
    SessionLog,
    SessionState,
    Statement,
    StatementFailed,
    StatementList,
    StatementState,
    Version,
    VersionInfo,
)

# A Livy 0.8 session, with a field from 0.9 (executorLogUrls) and a key we do not model (ttl).
SESSION_08: dict[str, Any] = {
    "id": 7,
    "name": "etl",
    "appId": "application_1700000000000_0007",
    "owner": "alice",
    "proxyUser": "alice",
    "state": "idle",
    "kind": "pyspark",
    "appInfo": {
        "driverLogUrl": "http://nm:8042/node/containerlogs/c_7/alice",
        "sparkUiUrl": "http://rm:8088/proxy/application_1700000000000_0007/",
        "executorLogUrls": "http://nm:8042/e1",
    },
    "log": ["stdout: ", "\nstderr: ", "24/01/01 INFO SparkContext: Running Spark version 3.3.2"],
    "ttl": None,
}

# A Livy 0.5 session: no name, no appInfo.
SESSION_05: dict[str, Any] = {
    "id": 0,
    "appId": None,
    "owner": None,
    "proxyUser": None,
    "state": "starting",
    "kind": "shared",
    "log": [],
}

STATEMENT_08: dict[str, Any] = {
    "id": 3,
    "code": "spark.range(10).count()",
    "state": "available",
    "output": {"status": "ok", "execution_count": 3, "data": {"text/plain": "10"}},
    "progress": 1.0,
    "started": 1700000000000,
    "completed": 1700000001500,
}

STATEMENT_05_RUNNING: dict[str, Any] = {"id": 0, "state": "running", "output": None}

ERROR_OUTPUT: dict[str, Any] = {
    "status": "error",
    "execution_count": 1,
    "ename": "NameError",
    "evalue": "name 'x' is not defined",
    "traceback": ["Traceback (most recent call last):\n", "NameError: name 'x' is not defined\n"],
}


def test_session_from_livy_08_payload_with_extra_keys() -> None:
    session = Session.from_json(SESSION_08)
    assert session.id == 7
    assert session.name == "etl"
    assert session.state is SessionState.IDLE
    assert session.kind is SessionKind.PYSPARK
    assert session.app_id == "application_1700000000000_0007"
    assert session.owner == session.proxy_user == "alice"
    assert session.app_info.spark_ui_url == "http://rm:8088/proxy/application_1700000000000_0007/"
    assert session.app_info.driver_log_url is not None
    assert session.app_info.extra == {"executorLogUrls": "http://nm:8042/e1"}
    assert session.log[-1].endswith("Running Spark version 3.3.2")
    assert session.is_ready and not session.is_final


def test_session_from_livy_05_payload_lacking_optional_keys() -> None:
    session = Session.from_json(SESSION_05)
    assert session.name is None
    assert session.app_id is None
    assert session.app_info == AppInfo()
    assert session.kind is SessionKind.SHARED
    assert session.state is SessionState.STARTING
    assert session.log == ()


def test_session_without_id_is_an_error() -> None:
    with pytest.raises(KeyError):
        Session.from_json({"state": "idle"})


def test_unknown_future_session_state_does_not_crash() -> None:
    session = Session.from_json({**SESSION_05, "state": "hibernating"})
    assert session.state is SessionState.UNKNOWN
    assert not session.is_ready and not session.is_final


def test_unknown_kind_parses_as_none() -> None:
    assert Session.from_json({**SESSION_05, "kind": "julia"}).kind is None
    assert Session.from_json({**SESSION_05, "kind": None}).kind is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("spark", SessionKind.SPARK),
        ("scala", SessionKind.SPARK),
        ("pyspark", SessionKind.PYSPARK),
        ("python", SessionKind.PYSPARK),
        ("pyspark3", SessionKind.PYSPARK),
        ("sparkr", SessionKind.SPARKR),
        ("r", SessionKind.SPARKR),
        ("sql", SessionKind.SQL),
        ("shared", SessionKind.SHARED),
        ("PySpark", SessionKind.PYSPARK),
    ],
)
def test_kind_aliases(text: str, kind: SessionKind) -> None:
    assert SessionKind(text) is kind


def test_unknown_kind_is_rejected_when_we_send_it() -> None:
    with pytest.raises(ValueError):
        SessionKind("julia")


def test_state_groups_partition_the_known_states() -> None:
    known = set(SessionState) - {SessionState.UNKNOWN}
    assert READY_STATES | NOT_READY_STATES | FINAL_STATES == known
    assert not READY_STATES & NOT_READY_STATES and not NOT_READY_STATES & FINAL_STATES
    assert STARTING_STATES | BUSY_STATES <= NOT_READY_STATES
    assert FINAL_STATES == {SessionState.ERROR, SessionState.DEAD, SessionState.KILLED, SessionState.SUCCESS}
    assert FINAL_STATEMENT_STATES == {
        StatementState.AVAILABLE,
        StatementState.CANCELLED,
        StatementState.ERROR,
    }


def test_statement_from_livy_08_payload() -> None:
    statement = Statement.from_json(STATEMENT_08)
    assert statement.state is StatementState.AVAILABLE and statement.is_final
    assert statement.code == "spark.range(10).count()"
    assert statement.progress == 1.0
    assert statement.started == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    assert statement.duration == timedelta(seconds=1.5)
    assert statement.output is not None
    assert statement.output.ok and statement.output.text == "10"
    assert statement.output.execution_count == 3


def test_statement_from_livy_05_payload_lacking_optional_keys() -> None:
    statement = Statement.from_json(STATEMENT_05_RUNNING)
    assert statement.state is StatementState.RUNNING and not statement.is_final
    assert statement.code == ""
    assert statement.output is None
    assert statement.progress is None
    assert statement.started is None and statement.completed is None and statement.duration is None


def test_statement_zero_timestamps_mean_not_yet() -> None:
    statement = Statement.from_json(
        {"id": 1, "state": "waiting", "started": 0, "completed": 0, "progress": 0.0}
    )
    assert statement.started is None and statement.completed is None
    assert statement.progress == 0.0


def test_unknown_statement_state_does_not_crash() -> None:
    assert Statement.from_json({"id": 1, "state": "paused"}).state is StatementState.UNKNOWN


def test_error_output_raises_statement_failed_with_remote_details() -> None:
    output = Output.from_json(ERROR_OUTPUT)
    assert output.status is OutputStatus.ERROR and not output.ok
    with pytest.raises(StatementFailed) as caught:
        output.raise_for_status(url="http://livy/sessions/2/statements/1", session_id=2, statement_id=1)
    error = caught.value
    assert error.ename == "NameError"
    assert error.evalue == "name 'x' is not defined"
    assert error.traceback[-1] == "NameError: name 'x' is not defined\n"
    assert error.session_id == 2 and error.statement_id == 1
    assert "NameError: name 'x' is not defined" in str(error)


def test_ok_output_raise_for_status_does_nothing() -> None:
    Output.from_json(STATEMENT_08["output"]).raise_for_status()


def test_unknown_output_status_counts_as_failure() -> None:
    assert Output.from_json({"status": "abort"}).status is OutputStatus.ERROR


def test_sql_and_table_outputs_keep_their_mime_data() -> None:
    table = {"headers": [{"name": "n", "type": "INT_TYPE"}], "data": [[1], [2]]}
    output = Output.from_json(
        {"status": "ok", "execution_count": 0, "data": {"application/vnd.livy.table.v1+json": table}}
    )
    assert output.data["application/vnd.livy.table.v1+json"] == table
    assert output.text is None


def test_batch_and_lists() -> None:
    batch_json = {
        "id": 4,
        "name": None,
        "owner": "bob",
        "proxyUser": None,
        "state": "running",
        "appId": "application_1_0004",
        "appInfo": {"driverLogUrl": None, "sparkUiUrl": None},
        "log": ["line"],
    }
    batch = Batch.from_json(batch_json)
    assert batch.state is SessionState.RUNNING and not batch.is_final
    batches = BatchList.from_json({"from": 0, "total": 1, "sessions": [batch_json]})
    assert batches.batches == (batch,) and batches.total == 1

    sessions = SessionList.from_json({"from": 5, "total": 9, "sessions": [SESSION_05, SESSION_08]})
    assert sessions.from_ == 5 and sessions.total == 9
    assert [session.id for session in sessions.sessions] == [0, 7]

    statements = StatementList.from_json(
        {"total_statements": 2, "statements": [STATEMENT_08, STATEMENT_05_RUNNING]}
    )
    assert statements.total == 2 and [s.id for s in statements.statements] == [3, 0]

    assert SessionList.from_json({"from": 0, "total": 0, "sessions": []}).sessions == ()


def test_session_log() -> None:
    log = SessionLog.from_json({"id": 1, "from": 10, "total": 12, "log": ["a", "b"]})
    assert log == SessionLog(id=1, from_=10, total=12, lines=("a", "b"))


def test_a_log_that_is_a_string_is_an_error() -> None:
    with pytest.raises(TypeError):
        SessionLog.from_json({"id": 1, "log": "not a list"})


def test_models_are_frozen_and_picklable() -> None:
    session = Session.from_json(SESSION_08)
    with pytest.raises(AttributeError):
        session.state = SessionState.DEAD
    assert pickle.loads(pickle.dumps(session)) == session


@pytest.mark.parametrize(
    ("text", "release", "suffix"),
    [
        ("0.8.0-incubating", (0, 8, 0), "incubating"),
        ("0.5.0-incubating", (0, 5, 0), "incubating"),
        ("0.7.1-incubating-SNAPSHOT", (0, 7, 1), "incubating-SNAPSHOT"),
        ("0.9.0", (0, 9, 0), ""),
        ("1.0", (1, 0, 0), ""),
    ],
)
def test_version_parsing(text: str, release: tuple[int, ...], suffix: str) -> None:
    version = Version.parse(text)
    assert version.release == release and version.suffix == suffix


def test_version_str_round_trips() -> None:
    assert str(Version.parse("0.8.0-incubating")) == "0.8.0-incubating"


def test_versions_compare_by_release_with_versions_and_tuples() -> None:
    v08 = Version.parse("0.8.0-incubating")
    assert v08 == (0, 8) == Version.parse("0.8.0")
    assert Version.parse("0.5.0-incubating") < v08 < Version.parse("0.9.0") < (1,)
    assert v08 >= (0, 6) and v08 > (0, 7, 1) and v08 <= (0, 8, 0)
    assert Version.parse("0.10.0") > Version.parse("0.9.0")
    assert len({v08, Version.parse("0.8.0")}) == 1


def test_version_that_is_not_a_number_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a version"):
        Version.parse("unknown")


def test_version_info_from_server_payload() -> None:
    info = VersionInfo.from_json(
        {
            "version": "0.8.0-incubating",
            "user": "jenkins",
            "revision": "3ac0ea7",
            "branch": "HEAD",
            "date": "2023-09-08",
            "url": "https://github.com/apache/incubator-livy",
            "gateway": "sparkwire",
        }
    )
    assert info.version == (0, 8, 0) and info.raw == "0.8.0-incubating"
    assert info.user == "jenkins" and info.branch == "HEAD"
