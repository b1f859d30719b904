"""The kernel's magics on an in-memory Livy: what they delete, keep and show (no JVM needed)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from sparkwire.engine import ConfigError, Engine, NullSink, parse_config
from sparkwire.kernel import commands
from sparkwire.kernel.parsing import Command, UsageError, parse_arguments
from tests.engine.fake_livy import FakeLivy


@dataclass
class Recorder:
    streams: list[str] = field(default_factory=list)
    bundles: list[Mapping[str, Any]] = field(default_factory=list)

    def stream(self, text: str) -> None:
        self.streams.append(text)

    def result(self, bundle: Mapping[str, Any]) -> None:
        self.bundles.append(bundle)

    def display(self, bundle: Mapping[str, Any]) -> None:
        self.bundles.append(bundle)

    @property
    def text(self) -> str:
        return "".join(self.streams)


@pytest.fixture
def fake() -> FakeLivy:
    return FakeLivy()


@pytest.fixture
def ctx(fake: FakeLivy) -> commands.Context:
    config = parse_config(
        {"session": {"driverMemory": "1g"}, "profiles": {"big": {"executorMemory": "8g"}}}, source="test"
    )
    engine = Engine(config, client_factory=lambda endpoint: fake)  # type: ignore[arg-type,return-value]
    engine.registry.add("kernel", body=commands.session_body(engine))
    return commands.Context(engine=engine, name="kernel", out=Recorder(), sink=NullSink(), user_ns={})


def args(name: str, line: str = "") -> argparse.Namespace:
    return parse_arguments(Command(name, line, ""))


def recorder(ctx: commands.Context) -> Recorder:
    assert isinstance(ctx.out, Recorder)
    return ctx.out


def start(ctx: commands.Context) -> int:
    return ctx.engine.start("kernel")


def test_configure_before_the_session_sets_the_next_sessions_body(
    ctx: commands.Context, fake: FakeLivy
) -> None:
    commands.configure(ctx, args("configure"), '{"numExecutors": 2, "conf": {"spark.x": "1"}}')
    start(ctx)
    assert fake.created == [
        {
            "kind": "pyspark",
            "driverMemory": "1g",
            "numExecutors": 2,
            "conf": {"spark.x": "1"},
            "heartbeatTimeoutInSecond": 900,
        }
    ]


def test_configure_by_profile_name(ctx: commands.Context, fake: FakeLivy) -> None:
    commands.configure(ctx, args("configure"), "big")
    start(ctx)
    assert fake.created[-1] == {
        "kind": "pyspark",
        "driverMemory": "1g",
        "executorMemory": "8g",
        "heartbeatTimeoutInSecond": 900,
    }
    with pytest.raises(ConfigError, match="No session profile named 'huge'"):
        commands.configure(ctx, args("configure", "-f huge"), "")


def test_configure_needs_force_once_started_and_force_deletes(ctx: commands.Context, fake: FakeLivy) -> None:
    first = start(ctx)
    with pytest.raises(UsageError, match="already running"):
        commands.configure(ctx, args("configure"), '{"queue": "fast"}')
    commands.configure(ctx, args("configure", "-f"), '{"queue": "fast"}')
    assert fake.deleted == [first]
    assert f"Session {first} was deleted." in recorder(ctx).text
    start(ctx)
    assert fake.created[-1]["queue"] == "fast"


def test_cleanup_and_delete(ctx: commands.Context, fake: FakeLivy) -> None:
    other = fake.add_session()
    own = start(ctx)
    commands.delete(ctx, args("delete", f"-s {other} -f"))
    assert other not in fake.sessions and own in fake.sessions
    commands.delete(ctx, args("delete", f"-s {own} -f"))
    assert "It was this notebook's session" in recorder(ctx).text
    assert not ctx.engine.registry.get("kernel").started
    fake.add_session()
    start(ctx)
    commands.cleanup(ctx, args("cleanup", "-f"))
    assert fake.sessions == {}
    assert not ctx.engine.registry.get("kernel").started


def test_attach_replaces_and_deletes_the_notebooks_own_session(ctx: commands.Context, fake: FakeLivy) -> None:
    own = start(ctx)
    theirs = fake.add_session()
    commands.attach(ctx, args("attach", str(theirs)))
    assert fake.deleted == [own]
    handle = ctx.engine.registry.get("kernel")
    assert handle.session_id == theirs and not handle.owned
    assert handle.body["driverMemory"] == "1g"  # a lost attached session is replaced by one of our own
    ctx.engine.close()
    assert theirs in fake.sessions


def test_logs_and_info_before_any_session(ctx: commands.Context) -> None:
    commands.logs(ctx, args("logs"))
    commands.info(ctx)
    text = recorder(ctx).text
    assert "No session yet: run a cell first." in text
    assert "No session yet: the next cell starts one" in text
    assert '"driverMemory": "1g"' in recorder(ctx).bundles[0]["text/plain"]


def test_info_notices_a_vanished_session(ctx: commands.Context, fake: FakeLivy) -> None:
    lost = start(ctx)
    del fake.sessions[lost]
    commands.info(ctx)
    assert f"This notebook's session {lost} no longer exists" in recorder(ctx).text
    assert not ctx.engine.registry.get("kernel").started


def test_a_kind_in_the_config_files_defaults_does_not_change_the_kernels_language(fake: FakeLivy) -> None:
    config = parse_config({"session": {"kind": "pyspark", "driverMemory": "1g"}}, source="test")
    engine = Engine(config, client_factory=lambda endpoint: fake)  # type: ignore[arg-type,return-value]
    assert commands.session_body(engine, kind="spark") == {"kind": "spark", "driverMemory": "1g"}
    assert (
        commands.session_body(engine, {"kind": "sparkr"}, kind="spark")["kind"] == "sparkr"
    )  # %%configure may
