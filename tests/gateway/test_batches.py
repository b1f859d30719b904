"""``/batches``: real spark-submit runs, kills, refusals, paging and restarts; then the pieces alone."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pyspark
import pytest
import requests

from sparkwire.gateway.batch_store import BatchRecord, BatchStore, LogScanner
from sparkwire.gateway.batches import BatchManager, resolve_batch_path
from sparkwire.gateway.errors import BadRequest
from sparkwire.gateway.settings import GatewaySettings
from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.livy_http import HEADERS

EXAMPLES = Path(pyspark.__file__).parent / "examples" / "src" / "main" / "python"
FAILING = 'import sys\nprint("about to fail", flush=True)\nraise ValueError("boom from the batch")\n'
# Creates its SparkSession (so the batch is "running"), says so, then sleeps until killed.
SLEEPY = (
    "import time\nfrom pyspark.sql import SparkSession\n"
    "spark = SparkSession.builder.getOrCreate()\nprint('ready to sleep', flush=True)\ntime.sleep(600)\n"
)
QUICK = {"conf": {"spark.ui.enabled": "false"}}
FINAL = ("success", "dead", "killed")


def _post(url: str, body: dict[str, object]) -> requests.Response:
    return requests.post(f"{url}/batches", json=body, headers=HEADERS, timeout=30)


def _submit(url: str, body: dict[str, object]) -> dict[str, object]:
    reply = _post(url, body)
    assert reply.status_code == 201, reply.text
    batch: dict[str, object] = reply.json()
    assert reply.headers["Location"] == f"/batches/{batch['id']}"
    return batch


def _wait(
    url: str,
    batch_id: object,
    states: tuple[str, ...] = FINAL,
    timeout: float = 120,
    log_line: str | None = None,
) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch: dict[str, object] = requests.get(f"{url}/batches/{batch_id}", timeout=10).json()
        if batch["state"] in states and (log_line is None or log_line in "\n".join(_log(url, batch_id))):
            return batch
        if batch["state"] in FINAL:
            raise AssertionError(f"batch {batch_id} is {batch['state']}:\n" + "\n".join(_log(url, batch_id)))
        time.sleep(0.2)
    raise AssertionError(
        f"batch {batch_id} did not reach {states} in {timeout}s:\n" + "\n".join(_log(url, batch_id))
    )


def _log(url: str, batch_id: object) -> list[str]:
    lines: list[str] = requests.get(
        f"{url}/batches/{batch_id}/log", params={"from": 0, "size": -1}, timeout=10
    ).json()["log"]
    return lines


def _processes(url: str, batch_id: object) -> list[psutil.Process]:
    """The wrapper (its pid is in the log) and everything below it: spark-submit's JVM, the Python driver."""
    pid = next(
        int(m.group(1))
        for line in _log(url, batch_id)
        if (m := re.search(r"batch process (\d+) started", line))
    )
    leader = psutil.Process(pid)
    return [leader, *leader.children(recursive=True)]


def _assert_all_gone(processes: list[psutil.Process], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for process in processes:
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(process)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not alive, f"left behind: {[(p.pid, p.name()) for p in alive]}"


def _stop_leftovers(url: str) -> None:
    """A failed test must not leave a sleeping batch behind: kill whatever still runs."""
    try:
        for batch in requests.get(f"{url}/batches", timeout=10).json()["sessions"]:
            if batch["state"] not in FINAL:
                requests.delete(f"{url}/batches/{batch['id']}", headers=HEADERS, timeout=60)
    except requests.RequestException:
        pass


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jobs")
    (folder / "failing.py").write_text(FAILING)
    (folder / "sleepy.py").write_text(SLEEPY)
    (folder / "helper.py").write_text("X = 1\n")
    return folder


@pytest.fixture(scope="module")
def batch_gateway(tmp_path_factory: pytest.TempPathFactory, jobs: Path) -> Iterator[RunningGateway]:
    """Batches may use the jobs folder and PySpark's own examples."""
    running = start_gateway(
        tmp_path_factory.mktemp("batch-gw"), settings={"batch_dirs": [str(jobs), str(EXAMPLES)]}
    )
    try:
        yield running
    finally:
        _stop_leftovers(running.url)
        running.stop()


@pytest.fixture(scope="module")
def pi_and_failing(batch_gateway: RunningGateway, jobs: Path) -> tuple[dict[str, object], dict[str, object]]:
    """Both submitted at once, so their JVMs start side by side."""
    pi = _submit(
        batch_gateway.url,
        {
            "file": str(EXAMPLES / "pi.py"),
            "args": [3],
            "name": "pi",
            "driverMemory": "600m",
            "executorCores": 1,
            "conf": {
                "spark.ui.enabled": "false",
                "spark.sparkwire.marker": "yes",
                "spark.my.secret": "hunter2",
            },
        },
    )
    failing = _submit(
        batch_gateway.url, {"file": "failing.py", "pyFiles": [str(jobs / "helper.py")], **QUICK}
    )
    return pi, failing


def test_the_pi_example_succeeds_with_resources_set_and_its_log_shows_the_result(
    batch_gateway: RunningGateway, pi_and_failing: tuple[dict[str, object], dict[str, object]]
) -> None:
    url = batch_gateway.url
    pi, _ = pi_and_failing
    assert (
        pi["state"] == "starting"
        and pi["name"] == "pi"
        and set(pi) >= {"appId", "appInfo", "log", "proxyUser"}
    )
    done = _wait(url, pi["id"])
    text = "\n".join(_log(url, pi["id"]))
    assert done["state"] == "success", text
    assert re.fullmatch(r"local-\d+", str(done["appId"])), done
    assert "Pi is roughly 3.1" in text
    # The resources reached spark-submit; a secret-looking value went to a private properties file,
    # not the command line, and did not reach the log.
    for setting in ("spark.driver.memory=600m", "spark.executor.cores=1", "spark.sparkwire.marker=yes"):
        assert setting in text
    assert "hunter2" not in text and "--properties-file" in text and "spark.my.secret" not in text
    assert not list(batch_gateway.work_dir.rglob("secret.properties"))  # removed once the batch ended
    assert "spark-submit exited with code 0" in text
    assert requests.get(f"{url}/batches/{pi['id']}/state", timeout=10).json() == {
        "id": pi["id"],
        "state": "success",
    }
    assert requests.get(f"{url}/batches/pi", timeout=10).json()["id"] == pi["id"]  # by name
    page = requests.get(f"{url}/batches/{pi['id']}/log", params={"from": 2, "size": 3}, timeout=10).json()
    assert page["from"] == 2 and len(page["log"]) == 3 and page["total"] == len(text.splitlines())
    assert requests.get(f"{url}/batches/{pi['id']}/log", params={"from": -1}, timeout=10).status_code == 400


def test_a_failing_script_ends_dead_with_its_traceback_in_the_log(
    batch_gateway: RunningGateway, pi_and_failing: tuple[dict[str, object], dict[str, object]]
) -> None:
    _, failing = pi_and_failing
    done = _wait(batch_gateway.url, failing["id"])
    text = "\n".join(_log(batch_gateway.url, failing["id"]))
    assert done["state"] == "dead", text
    assert "Traceback (most recent call last)" in text and "ValueError: boom from the batch" in text
    assert re.search(r"spark-submit exited with code [1-9]", text)
    assert "exited with code" in str(done["log"][-1])  # type: ignore[index]


def test_killing_a_running_batch_leaves_no_process_and_a_second_delete_forgets_it(
    batch_gateway: RunningGateway,
) -> None:
    url = batch_gateway.url
    batch = _submit(url, {"file": "sleepy.py", "name": "nap", **QUICK})
    _wait(url, batch["id"], states=("running",), log_line="ready to sleep")
    processes = _processes(url, batch["id"])
    assert any("java" in p.name() for p in processes) and any("python" in p.name() for p in processes), (
        processes
    )
    assert requests.delete(f"{url}/batches/nap", headers=HEADERS, timeout=60).json() == {"msg": "deleted"}
    killed = requests.get(f"{url}/batches/{batch['id']}", timeout=10).json()
    assert killed["state"] == "killed" and any("batch process stopped" in line for line in killed["log"])
    _assert_all_gone(processes)
    # Still listed; deleting a finished batch forgets it, as Livy does.
    assert requests.delete(f"{url}/batches/{batch['id']}", headers=HEADERS, timeout=10).status_code == 200
    gone = requests.get(f"{url}/batches/{batch['id']}", timeout=10)
    assert gone.status_code == 404 and gone.json() == {"msg": f"Batch '{batch['id']}' not found"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("file", "/etc/hostname"),
        ("file", "../outside.py"),
        ("file", "file:///etc/hostname"),
        ("pyFiles", ["/etc/hostname"]),
        ("file", "escape.py"),  # a symlink inside the folder pointing out of it
    ],
)
def test_a_local_file_outside_the_batch_dirs_is_refused_naming_the_setting(
    batch_gateway: RunningGateway, jobs: Path, field: str, value: object
) -> None:
    link = jobs / "escape.py"
    if not link.exists():
        link.symlink_to("/etc/hostname")
    body: dict[str, object] = {"file": "failing.py", field: value}
    reply = _post(batch_gateway.url, body)
    assert reply.status_code == 400
    assert "batch_dirs" in reply.json()["msg"] and "SPARKWIRE_GATEWAY_BATCH_DIRS" in reply.json()["msg"]


def test_bad_batch_requests_are_400s(batch_gateway: RunningGateway) -> None:
    url = batch_gateway.url
    for body, words in [
        ({"file": "missing.py"}, "no such file"),
        ({}, "file"),
        ({"file": "failing.py", "name": "12"}, "number"),
        ({"file": "failing.py", "driverMemmory": "1g"}, "unknown field"),
    ]:
        reply = _post(url, body)
        assert reply.status_code == 400 and words in reply.json()["msg"], (body, reply.text)
    assert requests.get(f"{url}/batches/nope", timeout=10).status_code == 404


def test_list_paging(
    batch_gateway: RunningGateway, pi_and_failing: tuple[dict[str, object], dict[str, object]]
) -> None:
    url = batch_gateway.url
    everything = requests.get(f"{url}/batches", timeout=10).json()
    assert everything["from"] == 0 and everything["total"] == len(everything["sessions"]) >= 2
    ids = [b["id"] for b in everything["sessions"]]
    assert ids == sorted(ids)
    second = requests.get(f"{url}/batches", params={"from": 1, "size": 1}, timeout=10).json()
    assert (
        second["from"] == 1
        and second["total"] == everything["total"]
        and [b["id"] for b in second["sessions"]] == ids[1:2]
    )
    past = requests.get(f"{url}/batches", params={"from": everything["total"]}, timeout=10).json()
    assert past["sessions"] == []
    for params in ({"from": -1}, {"size": -1}):
        reply = requests.get(f"{url}/batches", params=params, timeout=10)
        assert reply.status_code == 400 and "zero or positive" in reply.json()["msg"]


def test_records_survive_a_gateway_restart(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "hello.py").write_text("import sys\nprint('hello from a batch', sys.argv[1:])\n")
    (jobs / "sleepy.py").write_text(SLEEPY)
    settings = {"batch_dirs": [str(jobs)]}
    first = start_gateway(tmp_path / "gw", settings=settings)
    try:
        hello = _submit(first.url, {"file": "hello.py", "args": ["a", "b"], **QUICK})
        sleepy = _submit(first.url, {"file": "sleepy.py", **QUICK})
        _wait(first.url, hello["id"])
        _wait(first.url, sleepy["id"], states=("running",), log_line="ready to sleep")
        processes = _processes(first.url, sleepy["id"])
    finally:
        first.stop()
    # A record whose process vanished while no gateway watched (as after a crash and a reboot).
    lost = subprocess.Popen(["true"])
    lost.wait()
    store = BatchStore(first.work_dir)
    store.save(BatchRecord(id=7, file=str(jobs / "hello.py"), state="running", pid=lost.pid))

    second = start_gateway(tmp_path / "gw", settings=settings)
    try:
        listed = {b["id"]: b for b in requests.get(f"{second.url}/batches", timeout=10).json()["sessions"]}
        assert listed[hello["id"]]["state"] == "success"
        assert "hello from a batch ['a', 'b']" in "\n".join(_log(second.url, hello["id"]))
        assert listed[sleepy["id"]]["state"] == "running" and listed[sleepy["id"]]["appId"]
        sleepy_log = "\n".join(_log(second.url, sleepy["id"]))
        assert "the gateway stopped; the batch keeps running" in sleepy_log
        assert "re-attached to the running batch" in sleepy_log
        assert listed[7]["state"] == "dead" and "outcome is unknown" in listed[7]["log"][-1]
        # The new gateway, not the process's parent, can still stop it completely.
        assert (
            requests.delete(f"{second.url}/batches/{sleepy['id']}", headers=HEADERS, timeout=60).status_code
            == 200
        )
        assert _wait(second.url, sleepy["id"])["state"] == "killed"
        _assert_all_gone(processes)
    finally:
        _stop_leftovers(second.url)
        second.stop()


# -- the pieces, without Spark -----------------------------------------------------------------
def test_resolve_batch_path(tmp_path: Path) -> None:
    jobs, other = tmp_path / "jobs", tmp_path / "other"
    (jobs / "sub").mkdir(parents=True)
    other.mkdir()
    (jobs / "sub" / "app.py").write_text("")
    (jobs / "env.tar.gz").write_text("")
    allowed = [jobs, other]
    for remote in ("hdfs:///apps/x.py", "s3a://bucket/x.py", "https://example.com/x.jar", "gs://b/x.zip#z"):
        assert resolve_batch_path(remote, allowed, "file") == remote
    assert resolve_batch_path("sub/app.py", allowed, "file") == str(jobs / "sub" / "app.py")
    assert (
        resolve_batch_path(f"file://{jobs}/sub/../sub/app.py", allowed, "file") == f"file:{jobs}/sub/app.py"
    )
    assert resolve_batch_path(f"local:{jobs}/sub/app.py", allowed, "file") == f"local:{jobs}/sub/app.py"
    assert resolve_batch_path("env.tar.gz#env", allowed, "archives") == f"{jobs}/env.tar.gz#env"
    with pytest.raises(BadRequest, match="batch_dirs"):
        resolve_batch_path("sub/../../other/../../x.py", allowed, "file")
    with pytest.raises(BadRequest, match="no such file"):
        resolve_batch_path(str(other / "nothing.py"), allowed, "file")


def test_log_scanner_finds_the_application_and_its_ui(tmp_path: Path) -> None:
    log = tmp_path / "batch.log"
    log.write_text(
        "2026-01-01 10:00:00 sparkwire: starting batch 1: spark-submit /jobs/local-1234567890123.py\n"
        "26/01/01 10:00:01 INFO SparkContext: Running Spark version 4.0.1\n"
        "26/01/01 10:00:02 INFO Utils: Successfully started service 'SparkUI' on port 4041.\n"
        "26/01/01 10:00:02 INFO NettyBlockTransferService: Server created on 10.1.2.3:40313\n"
        "26/01/01 10:00:03 INFO RollingEventLogFilesWriter: Logging events to file:/w/eventlog_v2_local-17954431"
    )
    scanner = LogScanner(log)
    scanner.scan()
    assert (
        scanner.context_started and scanner.spark_ui_url == "http://10.1.2.3:4041" and scanner.ui_port == 4041
    )
    assert scanner.app_id is None  # the gateway's note is not Spark's, and the last line is incomplete
    with open(log, "a") as out:
        out.write("96605/events_1_local-1795443196605.zstd\n")
    scanner.scan()
    assert scanner.app_id == "local-1795443196605" and scanner.done
    yarn = LogScanner(tmp_path / "yarn.log")
    (tmp_path / "yarn.log").write_text(
        "INFO Client: Submitted application application_1700000000000_0042\n"
        "INFO SparkUI: Bound SparkUI to 0.0.0.0, and started at http://h:4040\n"
    )
    yarn.scan()
    assert (yarn.app_id, yarn.spark_ui_url) == ("application_1700000000000_0042", "http://h:4040")


def test_store_round_trip_and_ids_never_reused(tmp_path: Path) -> None:
    store = BatchStore(tmp_path)
    assert store.next_id() == 0 and store.load_all() == []
    record = BatchRecord(id=4, file="/j/a.py", name="a", args=["1"], state="success", exit_code=0)
    store.save(record)
    (store.folder(9)).mkdir()  # a batch whose record never got written still holds its id
    (store.folder(5)).mkdir()
    (store.folder(5) / "batch.json").write_text("{not json")
    assert store.load_all() == [record] and store.next_id() == 10
    assert (
        BatchRecord.from_json({**json.loads((store.folder(4) / "batch.json").read_text()), "future": 1})
        == record
    )


def test_recovery_reports_what_happened_while_no_gateway_watched(tmp_path: Path) -> None:
    store = BatchStore(tmp_path)
    gone = subprocess.Popen(["true"])
    gone.wait()
    store.save(BatchRecord(id=0, file="/j/a.py", state="running", pid=gone.pid))  # vanished, no exit code
    store.save(BatchRecord(id=1, file="/j/a.py", state="running", pid=gone.pid))  # ended with exit code 0
    store.exit_file(1).write_text("0\n")
    store.save(BatchRecord(id=2, file="/j/a.py", state="running", pid=gone.pid))  # ended with exit code 3
    store.exit_file(2).write_text("3\n")
    store.save(BatchRecord(id=3, file="/j/a.py", state="starting", pid=None))  # never launched
    store.save(BatchRecord(id=4, file="/j/a.py", state="killed"))

    async def recover() -> BatchManager:
        manager = BatchManager(GatewaySettings(work_dir=tmp_path, batch_dirs=(tmp_path,)))
        manager.start()
        await manager.shutdown()
        return manager

    runs = {run.record.id: run for run in asyncio.run(recover()).list()}
    states = {
        i: (run.record.state, run.record.exit_code, run.log.lines()[-1]) for i, run in runs.items() if i < 4
    }
    assert states[0][:2] == ("dead", None) and "outcome is unknown" in states[0][2]
    assert states[1][:2] == ("success", 0) and "while the gateway was down" in states[1][2]
    assert states[2][:2] == ("dead", 3)
    assert states[3][0] == "dead" and "before this batch's process started" in states[3][2]
    assert runs[4].record.state == "killed"
    assert all(r.is_final for r in BatchStore(tmp_path).load_all())  # and it was written back
