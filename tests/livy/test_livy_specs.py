"""Request bodies hold only the fields the caller set, in Livy's camelCase."""

from __future__ import annotations

import pytest

from sparkwire.livy import BatchSpec, SessionKind, SessionSpec, Version


def test_empty_session_spec_sends_an_empty_object() -> None:
    assert SessionSpec().to_json() == {}


def test_session_spec_sends_only_set_fields_in_camel_case() -> None:
    spec = SessionSpec(
        kind="python",
        proxy_user="alice",
        py_files=["hdfs:///deps.zip"],
        driver_memory="2g",
        executor_cores=2,
        num_executors=3,
        conf={"spark.sql.shuffle.partitions": "8"},
        heartbeat_timeout_in_second=60,
    )
    assert spec.to_json() == {
        "kind": "pyspark",
        "proxyUser": "alice",
        "pyFiles": ["hdfs:///deps.zip"],
        "driverMemory": "2g",
        "executorCores": 2,
        "numExecutors": 3,
        "conf": {"spark.sql.shuffle.partitions": "8"},
        "heartbeatTimeoutInSecond": 60,
    }


def test_every_session_field_has_livys_name() -> None:
    spec = SessionSpec(
        kind=SessionKind.SQL,
        proxy_user="u",
        jars=["a.jar"],
        py_files=["b.py"],
        files=["c"],
        archives=["d.zip"],
        driver_memory="1g",
        driver_cores=1,
        executor_memory="1g",
        executor_cores=1,
        num_executors=1,
        queue="q",
        name="n",
        conf={"k": "v"},
        heartbeat_timeout_in_second=1,
        ttl="1h",
        idle_timeout="10m",
    )
    assert set(spec.to_json()) == {
        "kind", "proxyUser", "jars", "pyFiles", "files", "archives", "driverMemory", "driverCores",
        "executorMemory", "executorCores", "numExecutors", "queue", "name", "conf",
        "heartbeatTimeoutInSecond", "ttl", "idleTimeout",
    }  # fmt: skip


def test_zero_and_empty_values_are_set_values() -> None:
    assert SessionSpec(num_executors=0, jars=[]).to_json() == {"numExecutors": 0, "jars": []}


def test_spec_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        SessionSpec("pyspark")


def test_a_string_where_a_list_belongs_is_rejected() -> None:
    with pytest.raises(TypeError, match="list of strings"):
        SessionSpec(jars="a.jar")


def test_unknown_kind_is_rejected_early() -> None:
    with pytest.raises(ValueError):
        SessionSpec(kind="julia")


def test_fields_older_servers_reject_are_reported() -> None:
    spec = SessionSpec(kind="pyspark", name="n", ttl="1h", idle_timeout="30m")
    assert spec.unsupported_fields(Version.parse("0.5.0-incubating")) == ["name", "ttl", "idleTimeout"]
    assert spec.unsupported_fields(Version.parse("0.8.0-incubating")) == ["idleTimeout"]
    assert spec.unsupported_fields(Version.parse("0.9.0")) == []
    assert SessionSpec(kind="pyspark").unsupported_fields(Version.parse("0.5.0")) == []


def test_batch_spec_requires_file_and_sends_only_set_fields() -> None:
    spec = BatchSpec(file="local:///app.py", args=["--day", "2024-01-01"], class_name=None, queue="etl")
    assert spec.to_json() == {"file": "local:///app.py", "args": ["--day", "2024-01-01"], "queue": "etl"}
    assert BatchSpec(file="app.jar", class_name="com.example.Main").to_json() == {
        "file": "app.jar",
        "className": "com.example.Main",
    }
    with pytest.raises(ValueError, match="file is required"):
        BatchSpec(file="")
    with pytest.raises(TypeError):
        BatchSpec()
