"""The statement progress bar and the session start view, drawn into a recording sink."""

from __future__ import annotations

from sparkwire.engine import SessionStartView, StatementProgress, format_bar
from sparkwire.livy import Session, Statement

from .recording import FakeClock, RecordingSink


def statement(progress: float | None, state: str = "running") -> Statement:
    data = {"id": 7, "state": state, "code": "x"}
    if progress is not None:
        data["progress"] = progress
    return Statement.from_json(data)


def session(state: str, ui: str | None = None) -> Session:
    return Session.from_json({"id": 3, "state": state, "kind": "pyspark", "appInfo": {"sparkUiUrl": ui}})


def test_format_bar() -> None:
    assert format_bar(0.5, 12.7, width=10, label="statement 7") == "[#####.....]  50%  12 s  statement 7"
    assert format_bar(None, 65, width=4) == "[....]   ?%  1 min 05 s"
    assert format_bar(1.7, 0, width=2).startswith("[##] 100%")


def test_quick_statements_show_no_bar() -> None:
    sink, clock = RecordingSink(), FakeClock()
    bar = StatementProgress(sink, clock=clock, delay=0.5)
    bar.update(statement(0.0))
    clock.now += 0.3
    bar.update(statement(1.0, "available"))
    bar.close()
    assert sink.events == []


def test_text_bar_appears_updates_in_place_and_is_removed() -> None:
    sink, clock = RecordingSink(), FakeClock()
    bar = StatementProgress(sink, clock=clock, delay=0.5, min_interval=0.25)
    clock.now += 0.6
    bar.update(statement(0.25))
    clock.now += 0.1
    bar.update(statement(0.25))  # same text: nothing sent
    clock.now += 1.0
    bar.update(statement(0.5))
    assert [action for action, _, _ in sink.events] == ["display", "update"]
    assert len({display_id for _, display_id, _ in sink.events}) == 1
    assert sink.texts()[1].startswith("[###############...............]  50%  1 s")
    bar.close()
    assert sink.visible() == []


def test_widget_bar_where_widgets_render() -> None:
    sink, clock = RecordingSink(widgets=True), FakeClock()
    bar = StatementProgress(sink, clock=clock, delay=0.0)
    bar.update(statement(0.4))
    bundle = sink.events[0][2]
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("[")  # the fallback where the widget does not render
    bar.update(statement(0.9))
    assert bar._bar.value == 0.9  # the widget moves by comm messages, not display updates
    assert len(sink.events) == 1
    bar.close()
    assert sink.visible() == []


def test_off_shows_nothing() -> None:
    sink, clock = RecordingSink(), FakeClock()
    bar = StatementProgress(sink, mode="off", clock=clock, delay=0)
    clock.now += 5
    bar.update(statement(0.5))
    assert sink.events == []


def test_session_start_view_shows_state_time_and_spark_ui() -> None:
    sink, clock = RecordingSink(), FakeClock()
    view = SessionStartView(sink, where="http://gw:8998", clock=clock)
    view.update(None)
    clock.now += 2
    view.update(session("starting"))
    clock.now += 0.2
    view.update(session("starting"))  # same second, same text: no message
    clock.now += 2
    view.update(session("starting", "http://driver:4040"))
    texts = sink.texts()
    assert len(texts) == 3
    assert texts[0] == "Creating a Spark session on http://gw:8998…"
    assert texts[1] == "Starting Spark session 3 (pyspark) on http://gw:8998: starting, 2 s"
    assert texts[2].endswith("4 s\nSpark UI: http://driver:4040")
    view.finish(session("idle", "http://driver:4040"))
    (final,) = sink.visible()
    assert final["text/plain"].startswith("Spark session 3 (pyspark) is ready on http://gw:8998 (4.2 s).")
    assert '<a href="http://driver:4040"' in final["text/html"]


def test_session_start_view_disappears_on_failure() -> None:
    sink = RecordingSink()
    view = SessionStartView(sink, where="x")
    view.update(None)
    view.finish(None)
    assert sink.visible() == []
