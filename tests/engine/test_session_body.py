"""Session settings as users write them (Livy's JSON) → the client's SessionSpec."""

from __future__ import annotations

import pytest

from sparkwire.engine import ConfigError, merge_bodies, spec_from_body
from sparkwire.livy import SessionKind


def test_livy_json_becomes_a_spec_sending_only_what_was_set() -> None:
    spec = spec_from_body(
        {
            "kind": "pyspark",
            "driverMemory": "2g",
            "numExecutors": "4",
            "conf": {"spark.dynamicAllocation.enabled": False, "spark.x": 3},
            "jars": "a.jar",
        }
    )
    assert spec.kind is SessionKind.PYSPARK
    assert spec.to_json() == {
        "kind": "pyspark",
        "driverMemory": "2g",
        "numExecutors": 4,
        "jars": ["a.jar"],
        "conf": {"spark.dynamicAllocation.enabled": "false", "spark.x": "3"},
    }


def test_merging_keeps_conf_entries_from_every_layer() -> None:
    merged = merge_bodies({"conf": {"a": "1"}, "queue": "q1"}, None, {"conf": {"b": "2"}, "queue": "q2"})
    assert merged == {"conf": {"a": "1", "b": "2"}, "queue": "q2"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"driverMemroy": "1g"}, "unknown session setting(s) 'driverMemroy'"),
        ({"kind": "cobol"}, "unknown session kind 'cobol'"),
        ({"conf": ["a"]}, "'conf' must be a JSON object"),
        ({"driverCores": True}, "'driverCores' must be a whole number"),
    ],
)
def test_bad_settings_are_refused_before_livy_sees_them(body: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        spec_from_body(body, where="%%configure")
    assert message in str(info.value)
    assert str(info.value).startswith("%%configure")
