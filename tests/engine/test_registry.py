"""The session registry on an in-memory Livy: lazy creation, attach, loss, deletion, cleanup, close."""

from __future__ import annotations

from typing import Any

import pytest

from sparkwire.engine import (
    EndpointConfig,
    Engine,
    EngineError,
    SessionRegistry,
    UnknownSession,
    parse_config,
)
from sparkwire.livy import LivyTimeout, Session, SessionDead, SessionNotFound

from .fake_livy import FakeLivy


def registry_with(fake: FakeLivy, **config: Any) -> SessionRegistry:
    return SessionRegistry(parse_config(config, source="test"), client_factory=lambda endpoint: fake)  # type: ignore[arg-type,return-value]


def test_sessions_start_lazily_once() -> None:
    fake = FakeLivy(start_polls=3)
    registry = registry_with(fake)
    handle = registry.add("main", body={"kind": "pyspark", "driverMemory": "1g"})
    assert not handle.started and fake.created == []
    seen: list[Session | None] = []
    registry.ensure_started("main", on_update=seen.append)
    assert handle.session_id == 0 and handle.owned
    assert fake.created == [{"kind": "pyspark", "driverMemory": "1g", "heartbeatTimeoutInSecond": 900}]
    assert seen[0] is None
    assert [s.state.value for s in seen[1:] if s is not None][-1] == "idle"
    registry.ensure_started("main", on_update=seen.append)
    assert len(fake.created) == 1  # already started: no request at all


def test_a_session_not_ready_in_time_is_deleted() -> None:
    fake = FakeLivy(start_polls=10**9)
    registry = registry_with(fake)
    registry.add("main")
    with pytest.raises(LivyTimeout, match="not ready after 0.3 s, so it was deleted.*session_start_timeout"):
        registry.ensure_started("main", timeout=0.3)
    assert fake.deleted == [0]
    assert not registry.get("main").started


def test_a_session_dying_while_starting_explains_itself() -> None:
    fake = FakeLivy(start_state="dead")
    registry = registry_with(fake)
    registry.add("main")
    with pytest.raises(SessionDead) as info:
        registry.ensure_started("main")
    assert "ended in state 'dead' while starting" in str(info.value)
    assert "log of 0" in str(info.value)
    assert not registry.get("main").started


def test_forgotten_sessions_are_replaced_on_next_use() -> None:
    fake = FakeLivy()
    registry = registry_with(fake)
    registry.add("main")
    registry.ensure_started("main")
    registry.forget("main")
    registry.ensure_started("main")
    assert registry.get("main").session_id == 1


def test_attached_sessions_survive_close_owned_ones_do_not() -> None:
    fake = FakeLivy()
    theirs = fake.add_session()
    registry = registry_with(fake)
    registry.add("mine")
    registry.ensure_started("mine")
    handle = registry.attach("shared", theirs)
    assert not handle.owned and handle.started and handle.kind is not None
    assert registry.close() == []
    assert fake.deleted == [registry.get("mine").session_id or 1]
    assert theirs in fake.sessions
    assert fake.closed


def test_keep_sessions_on_close() -> None:
    fake = FakeLivy()
    registry = registry_with(fake)
    registry.add("main")
    registry.ensure_started("main")
    registry.close(keep_sessions=True)
    assert fake.deleted == [] and 0 in fake.sessions


def test_attach_refuses_ended_or_missing_sessions() -> None:
    fake = FakeLivy()
    dead = fake.add_session("dead")
    registry = registry_with(fake)
    with pytest.raises(EngineError, match="has ended"):
        registry.attach("x", dead)
    with pytest.raises(SessionNotFound):
        registry.attach("x", 42)


def test_delete_by_id_forgets_the_names_using_it() -> None:
    fake = FakeLivy()
    registry = registry_with(fake)
    registry.add("main")
    registry.ensure_started("main")
    assert registry.delete_remote(0) == ["main"]
    assert not registry.get("main").started


def test_cleanup_deletes_every_session_of_the_endpoint_across_pages() -> None:
    fake = FakeLivy()
    for _ in range(230):
        fake.add_session()
    registry = registry_with(fake)
    registry.add("main")
    registry.ensure_started("main")
    deleted = registry.cleanup()
    assert len(deleted) == 231 and fake.sessions == {}
    assert not registry.get("main").started


def test_names_are_unique_and_unknown_names_are_reported() -> None:
    registry = registry_with(FakeLivy())
    registry.add("a")
    with pytest.raises(EngineError, match="already exists"):
        registry.add("a")
    registry.add("a", replace=True)
    with pytest.raises(UnknownSession, match="No session named 'b' \\(sessions: a\\)"):
        registry.get("b")


def test_one_client_per_endpoint() -> None:
    made: list[EndpointConfig] = []

    def factory(endpoint: EndpointConfig) -> Any:
        made.append(endpoint)
        return FakeLivy(url=endpoint.url)

    config = parse_config(
        {"endpoints": {"a": {"url": "http://a:1"}, "b": {"url": "http://b:1"}}, "default_endpoint": "a"},
        source="test",
    )
    registry = SessionRegistry(config, client_factory=factory)
    assert registry.client("a") is registry.client("a")
    assert registry.client("b") is not registry.client("a")
    assert [e.name for e in made] == ["a", "b"]


def test_engine_forgets_a_lost_session_and_starts_a_new_one() -> None:
    fake = FakeLivy()
    engine = Engine(parse_config({}, source="test"), client_factory=lambda endpoint: fake)  # type: ignore[arg-type,return-value]
    engine.registry.add("main")
    first = engine.run("main", "1")
    assert first.ok and first.rendered.stdout == "ran 1\n" and first.session_id == 0
    del fake.sessions[0]  # deleted behind our back
    lost = engine.run("main", "2")
    assert lost.error is not None and lost.error.ename == "SessionLost"
    assert "no longer exists" in lost.error.evalue and "run the cell again" in lost.error.evalue
    assert lost.error is not None and lost.error.traceback[0].startswith("SessionLost: Session 0")
    again = engine.run("main", "3")
    assert again.ok and again.session_id == 1
    assert engine.complete("main", "x.", 2) == []  # a failing completion is just no completion


def test_engine_close_follows_keep_session_on_shutdown() -> None:
    fake = FakeLivy()
    config = parse_config({"kernel": {"keep_session_on_shutdown": True}}, source="test")
    engine = Engine(config, client_factory=lambda endpoint: fake)  # type: ignore[arg-type,return-value]
    engine.registry.add("main")
    engine.run("main", "1")
    engine.close()
    assert fake.deleted == [] and 0 in fake.sessions
