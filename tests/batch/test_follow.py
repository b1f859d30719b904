"""Following a batch without a server: the log follower, the follow loop, and option parsing."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sparkwire.batch import GAP_MARKER, LogFollower, batch_exit_code, follow_batch
from sparkwire.batch.cli import endpoint_for, parse_conf
from sparkwire.engine.errors import ConfigError
from sparkwire.livy import Batch, BatchState, LivyTimeout, SessionLog


@dataclass
class FakeLog:
    """A log on a server; ``keep`` imitates Livy's ``livy.cache-log.size`` (only the last lines kept)."""

    lines: list[str] = field(default_factory=list)
    keep: int | None = None
    calls: int = 0

    def add(self, *lines: str) -> None:
        self.lines += lines
        if self.keep is not None:
            del self.lines[: -self.keep]

    def fetch(self, from_: int | None, size: int) -> SessionLog:
        self.calls += 1
        total = len(self.lines)
        start = max(total - size, 0) if from_ is None else min(from_, total)
        return SessionLog(id=0, from_=start, total=total, lines=tuple(self.lines[start : start + size]))


def test_each_new_line_is_reported_once_across_pages() -> None:
    log = FakeLog()
    follower = LogFollower(log.fetch, page_size=3)
    assert follower.poll() == []
    log.add(*(f"line {n}" for n in range(7)))
    assert follower.poll() == [f"line {n}" for n in range(7)]
    assert follower.poll() == []
    log.add("line 7")
    assert follower.poll() == ["line 7"]


def test_from_line_skips_what_was_already_shown() -> None:
    log = FakeLog(["a", "b", "c"])
    assert LogFollower(log.fetch, from_line=2).poll() == ["c"]


def test_a_log_that_keeps_only_its_last_lines_is_followed_by_content() -> None:
    """Real Livy keeps the last 200 lines of a batch log: line numbers stop growing, lines move on."""
    log = FakeLog(keep=4)
    follower = LogFollower(log.fetch, page_size=10)
    log.add("1", "2", "3")
    assert follower.poll() == ["1", "2", "3"]
    log.add("4", "5")  # the window is now 2..5
    assert follower.poll() == ["4", "5"]
    assert follower.poll() == []
    log.add("6")
    assert follower.poll() == ["6"]
    log.add("7", "8", "9", "10", "11")  # more than the window: lines 7 is lost
    assert follower.poll() == [GAP_MARKER, "8", "9", "10", "11"]
    assert follower.poll() == []


@dataclass
class FakeClient:
    """Plays a batch through the given states, adding a log line with each."""

    states: list[str]
    log: FakeLog = field(default_factory=FakeLog)
    url: str = "http://fake"

    def get_batch(self, batch_id: int | str) -> Batch:
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        self.log.add(f"now {state}")
        return Batch(id=5, state=BatchState(state), app_id="local-1")

    def batch_log(self, batch_id: int | str, from_: int | None, size: int) -> SessionLog:
        return self.log.fetch(from_, size)


def test_follow_reports_state_changes_and_every_line_until_the_batch_ends() -> None:
    client = FakeClient(["starting", "starting", "running", "running", "success"])
    lines: list[str] = []
    states: list[tuple[str, float]] = []
    final = follow_batch(
        client,
        5,
        on_line=lines.append,  # type: ignore[arg-type]
        on_state=lambda b, elapsed: states.append((b.state.value, elapsed)),
        intervals=[0.0] * 10,
    )
    assert final.state is BatchState.SUCCESS and batch_exit_code(final) == 0
    assert [s for s, _ in states] == ["starting", "running", "success"] and all(e >= 0 for _, e in states)
    assert lines == ["now starting", "now starting", "now running", "now running", "now success"]


def test_follow_gives_up_after_its_timeout_or_when_stopped() -> None:
    with pytest.raises(LivyTimeout, match="keeps running"):
        follow_batch(FakeClient(["running"]), 5, timeout=0.05, intervals=iter(lambda: 0.01, None))  # type: ignore[arg-type]
    stop = threading.Event()
    stop.set()
    assert follow_batch(FakeClient(["running"]), 5, stop=stop).state is BatchState.RUNNING  # type: ignore[arg-type]
    assert batch_exit_code(Batch(id=1, state=BatchState.KILLED)) == 1


def test_conf_pairs() -> None:
    assert parse_conf(["a=1", "b.c = x=y", "d="]) == {"a": "1", "b.c": " x=y", "d": ""}
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_conf(["novalue"])


def test_the_endpoint_comes_from_the_url_the_config_file_or_the_default(tmp_path: Path) -> None:
    home = {"HOME": str(tmp_path)}
    assert endpoint_for(None, None, home).url == "http://127.0.0.1:8998"
    assert endpoint_for("http://x:1", None, {**home, "SPARKWIRE_URL": "http://y:2"}).url == "http://x:1"
    assert endpoint_for(None, None, {**home, "SPARKWIRE_URL": "http://y:2"}).url == "http://y:2"
    (tmp_path / ".sparkwire").mkdir()
    (tmp_path / ".sparkwire" / "config.json").write_text(
        json.dumps(
            {
                "endpoints": {
                    "local": {"url": "http://127.0.0.1:8998"},
                    "prod": {"url": "https://livy:8998", "auth": "bearer", "token": "t0k"},
                }
            }
        )
    )
    prod = endpoint_for(None, "prod", home)
    assert (prod.url, prod.auth) == ("https://livy:8998", "bearer")
    assert endpoint_for(None, None, {**home, "SPARKWIRE_ENDPOINT": "prod"}).name == "prod"
    # docs/batches.md's order: $SPARKWIRE_URL comes before the config file's default endpoint.
    assert (
        endpoint_for(None, None, {**home, "SPARKWIRE_ENDPOINT": "prod", "SPARKWIRE_URL": "http://y:2"}).url
        == "http://y:2"
    )
    with pytest.raises(ConfigError, match="Known endpoints"):
        endpoint_for(None, "nope", home)
    with pytest.raises(ValueError, match="http"):
        endpoint_for("livy:8998", None, home)
