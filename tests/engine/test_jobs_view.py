"""The live Spark jobs view: drawn into a recording sink from job lists, and from a real multi-stage job."""

from __future__ import annotations

from sparkwire.engine import Engine
from sparkwire.engine.config import parse_config
from sparkwire.engine.jobs import JobProgress, fetch_statement_jobs, jobs_summary
from sparkwire.engine.jobs_view import StatementView
from sparkwire.livy import LivyClient, Statement

from .recording import FakeClock, RecordingSink

MULTI_STAGE = (
    "import time\n"
    "def slow(kv):\n"
    "    time.sleep(0.3)\n"
    "    return kv\n"
    "pairs = sc.parallelize(range(8), 4).map(lambda x: (x % 2, x)).map(slow)\n"
    "print(sorted(pairs.reduceByKey(lambda a, b: a + b).collect()))"
)


def statement(state: str = "running") -> Statement:
    return Statement.from_json({"id": 7, "state": state, "code": "x"})


def job(job_id: int, status: str, *stages: tuple[int, str, int, int, int, int]) -> JobProgress:
    return JobProgress.from_json(
        {
            "jobId": job_id,
            "status": status,
            "stages": [
                {
                    "stageId": s,
                    "name": f"stage at <stdin>:{s}",
                    "status": st,
                    "numTasks": n,
                    "numActiveTasks": a,
                    "numCompletedTasks": c,
                    "numFailedTasks": 0,
                }
                for s, st, n, a, c, _ in stages
            ],
        }
    )


class Script:
    """Hands out job lists in order, as successive polls of the jobs route would."""

    def __init__(self, *answers: list[JobProgress] | None) -> None:
        self.answers = list(answers)
        self.asked: list[int] = []

    def __call__(self, statement_id: int) -> list[JobProgress] | None:
        self.asked.append(statement_id)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def test_jobs_and_stages_update_in_place_then_collapse_to_one_line() -> None:
    sink, clock = RecordingSink(), FakeClock()
    running = [job(0, "RUNNING", (0, "active", 4, 2, 1, 0), (1, "pending", 4, 0, 0, 0))]
    done = [job(0, "SUCCEEDED", (0, "complete", 4, 0, 4, 0), (1, "complete", 4, 0, 4, 0))]
    fetch = Script(running, running, done)
    view = StatementView(sink, fetch, clock=clock, delay=0.5, min_interval=0.0)
    view.update(statement())
    assert sink.events == [] and fetch.asked == []  # quick statements cost no request and show nothing
    clock.now += 1.0
    view.update(statement())
    text = sink.texts()[0]
    assert text.startswith("Spark: statement 7 running, 1 s: 1 job, 1 running"), text
    assert "job 0 RUNNING" in text and "1/8 tasks" in text
    assert "stage 0" in text and "(2 running)" in text and "stage 1" in text and "pending" in text
    clock.now += 2.0
    view.update(statement())
    assert sink.events[-1][0] == "update" and "3 s" in sink.texts()[-1]
    view.close()
    (shown,) = sink.visible()
    assert shown["text/plain"] == "Spark: 1 job, 2 stages, 8 tasks in 3 s (statement 7)"
    assert len({display_id for _, display_id, _ in sink.events}) == 1


def test_a_widget_where_widgets_render_and_skipped_stages_are_named() -> None:
    sink, clock = RecordingSink(widgets=True), FakeClock()
    done = [job(1, "SUCCEEDED", (2, "pending", 4, 0, 0, 0), (3, "complete", 2, 0, 2, 0))]
    view = StatementView(sink, Script(done), clock=clock, delay=0.0)
    view.update(statement())
    assert "application/vnd.jupyter.widget-view+json" in sink.events[0][2]
    assert "skipped" in view._widget.value and "stage 3" in view._widget.value
    view.close()
    (shown,) = sink.visible()
    assert shown["text/plain"].startswith("Spark: 1 job, 1 stage, 2 tasks")


def test_a_server_without_the_jobs_route_gets_the_progress_bar() -> None:
    """A real Livy answers 404 to the route; fetch_statement_jobs then returns None."""
    sink, clock = RecordingSink(), FakeClock()
    fetch = Script(None)
    view = StatementView(sink, fetch, clock=clock, delay=0.5)
    clock.now += 1.0
    view.update(Statement.from_json({"id": 7, "state": "running", "code": "x", "progress": 0.5}))
    view.update(Statement.from_json({"id": 7, "state": "running", "code": "x", "progress": 0.6}))
    assert sink.texts()[0].startswith("[###############")  # the bar
    assert fetch.asked == [7]  # asked once, then the bar only
    view.close()
    assert sink.visible() == []


def test_a_slow_cell_without_jobs_leaves_nothing_behind() -> None:
    sink, clock = RecordingSink(), FakeClock()
    view = StatementView(sink, Script([]), clock=clock, delay=0.0)
    view.update(statement())
    assert "no Spark job yet" in sink.texts()[0]
    view.close()
    assert sink.visible() == []


def test_failed_tasks_and_jobs_are_counted_in_the_summary() -> None:
    failed = JobProgress.from_json(
        {
            "jobId": 4,
            "status": "FAILED",
            "stages": [
                {"stageId": 9, "status": "active", "numTasks": 4, "numCompletedTasks": 1, "numFailedTasks": 3}
            ],
        }
    )
    assert (
        jobs_summary([failed], 2.0, 5)
        == "Spark: 1 job, 1 stage, 4 tasks in 2 s; 3 failed tasks, 1 failed job "
        "(statement 5)"
    )


def test_a_real_multi_stage_job_is_shown_live_and_summarised(gateway_url: str, pyspark_session: int) -> None:
    with LivyClient(gateway_url) as client:
        sink = RecordingSink()
        seen: list[list[JobProgress]] = []

        def fetch(statement_id: int) -> list[JobProgress] | None:
            jobs = fetch_statement_jobs(client, pyspark_session, statement_id)
            seen.append(jobs or [])
            return jobs

        view = StatementView(sink, fetch, delay=0.0, min_interval=0.0)
        from sparkwire.engine.execution import execute

        output = execute(client, pyspark_session, MULTI_STAGE, on_progress=view.update)
        view.close()
    assert output.ok and output.text == "[(0, 12), (1, 16)]", output
    assert any(job.running for jobs in seen for job in jobs), seen  # seen while running
    assert any("stage" in text and "RUNNING" in text for text in sink.texts()), sink.texts()
    (shown,) = sink.visible()
    assert shown["text/plain"].startswith("Spark: 1 job, 2 stages, 8 tasks in "), shown


def test_the_engine_shows_the_jobs_under_a_cell(gateway_url: str, pyspark_session: int) -> None:
    engine = Engine(parse_config({"endpoints": {"gw": {"url": gateway_url}}}, source="test"))
    try:
        engine.registry.attach("s", pyspark_session)
        sink = RecordingSink()
        result = engine.run("s", MULTI_STAGE, sink=sink)
    finally:
        engine.close(keep_sessions=True)
    assert result.ok, result.error
    assert [bundle["text/plain"][:24] for bundle in sink.visible()] == ["Spark: 1 job, 2 stages, "]
