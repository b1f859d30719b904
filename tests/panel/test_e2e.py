"""The panel in a real JupyterLab and headless Chromium: open it, create a session, see it become idle,
attach a notebook to it and watch the live Spark jobs view under a cell, open its log, delete it; submit
a batch from the file browser, follow and search its log, open its Spark UI through the gateway, and
kill it. Screenshots go to test-output/panel/; with ``DOCS_SCREENSHOTS=1``
the ones docs/panel.md shows are also copied into docs/images/ (commit them to refresh the docs).

Runs ``labextension/ui-tests/panel.e2e.mjs`` (playwright-core, Debian's chromium) against
``jupyter lab`` started here, with the gateway fixture as the one configured endpoint.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.panel.labserver import LABEXTENSION, RunningLab, start_lab
from tests.support.gateway_process import RunningGateway

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "labextension" / "ui-tests" / "panel.e2e.mjs"
SCREENSHOTS = REPO / "test-output" / "panel"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DOCS_IMAGES = REPO / "docs" / "images"
SCRIPT_TIMEOUT = 360
# The screenshots docs/panel.md shows.
DOCS_PNGS = (
    "panel-session-idle.png",
    "panel-attach-notebook.png",
    "panel-session-log.png",
    "panel-batch-log-follow.png",
    "panel-batch-log-search.png",
)


BATCH_FILE = "sleepy.py"
# Two stages (a shuffle) of four tasks each, every task sleeping: a few seconds of visible progress.
JOBS_CELL = (
    "import time\n"
    "pairs = sc.parallelize(range(8), 4).map(lambda x: (x % 2, x)).map(lambda kv: time.sleep(1.5) or kv)\n"
    "print(sorted(pairs.reduceByKey(lambda a, b: a + b).collect()))"
)


@pytest.fixture
def lab(gateway: RunningGateway, tmp_path: Path) -> Iterator[RunningLab]:
    for needed, hint in (
        (LABEXTENSION / "package.json", "the built panel"),
        (REPO / "labextension" / "node_modules" / "playwright-core", "playwright-core"),
        (Path(CHROMIUM), "Chromium"),
    ):
        if not needed.exists():
            pytest.fail(f"{hint} is missing ({needed}): run `make setup` first.")
    config = tmp_path / "sparkwire.json"
    config.write_text(json.dumps({"endpoints": {"gateway": {"url": gateway.url}}}))
    # JupyterLab's root inside the gateway's directory, whose files the gateway accepts as batches (as
    # `make run` arranges: the gateway runs from the repository, JupyterLab serves its examples/).
    root = gateway.work_dir.parent / f"lab-root-{tmp_path.name}"
    root.mkdir(exist_ok=True)
    # Starts Spark (so it has a Spark UI), then one line a second, so that following its log has
    # something new to show.
    (root / BATCH_FILE).write_text(
        "import sys, time\nfrom pyspark.sql import SparkSession\n"
        "spark = SparkSession.builder.getOrCreate()\n"
        "for i in range(int(float(sys.argv[-1]))):\n"
        "    print(f'sleepy: tick {i}', flush=True)\n    time.sleep(1)\n"
    )
    running = start_lab(tmp_path, config, root=root)
    try:
        yield running
    finally:
        running.stop()


# Above the script's own limit, so that a slow run fails with the script's steps rather than pytest's.
@pytest.mark.timeout(SCRIPT_TIMEOUT + 120)
def test_panel_drives_sessions_and_batches(lab: RunningLab, gateway: RunningGateway) -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    env = {
        **os.environ,
        "LAB_URL": lab.url,
        "LAB_TOKEN": lab.token,
        "ENDPOINT": "gateway",
        "CHROMIUM": CHROMIUM,
        "SCREENSHOT_DIR": str(SCREENSHOTS),
        "SESSION_TIMEOUT_MS": "150000",
        "BATCH_FILE": BATCH_FILE,
        "JOBS_CELL": JOBS_CELL,
    }
    node = shutil.which("node") or "node"
    result = subprocess.run(
        [node, str(SCRIPT)],
        check=False,
        cwd=SCRIPT.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
    )
    steps = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    detail = f"{result.stdout}\n{result.stderr}\n--- jupyter lab ---\n{lab.log_text()[-4000:]}"
    assert result.returncode == 0, detail
    names = [step["step"] for step in steps]
    assert names[-1] == "done", detail
    for step in (
        "panel open",
        "inline error shown",
        "session created",
        "session idle",
        "notebook attached",
        "live jobs shown",
        "live jobs collapsed",
        "log shown",
        "session deleted",
        "batch submitted",
        "log followed",
        "log searched",
        "batch spark ui",
        "batch killed",
    ):
        assert step in names, detail
    (offered,) = [step["kinds"] for step in steps if step["step"] == "session kinds offered"]
    assert offered == ["pyspark", "sql", "shared", "spark"], detail  # no sparkr: no R on this machine
    for name in (
        "panel-session-idle.png",
        "panel-attach-notebook.png",
        "notebook-jobs-live.png",
        "notebook-jobs-done.png",
        "panel-session-log.png",
        "panel-session-deleted.png",
        "panel-batch-submitted.png",
        "panel-batch-log-follow.png",
        "panel-batch-log-search.png",
        "panel-batch-killed.png",
    ):
        assert (SCREENSHOTS / name).stat().st_size > 10_000
    (live,) = [step for step in steps if step["step"] == "live jobs shown"]
    assert live["widget"] and live["kernelBusy"], detail  # a widget in Lab; the kernel busy while it runs
    assert "job 0" in live["text"] and "stage 0" in live["text"] and "stage 1" in live["text"], detail
    assert "RUNNING" in live["text"] and live["text"] != live["firstText"], detail  # updated in place
    (collapsed,) = [step for step in steps if step["step"] == "live jobs collapsed"]
    assert collapsed["summary"].startswith("Spark: 1 job, 2 stages, 8 tasks in "), detail
    assert collapsed["liveLeft"] == 0, detail
    assert any("[(0, 12), (1, 16)]" in text for text in collapsed["outputs"]), detail
    (batch_ui,) = [step for step in steps if step["step"] == "batch spark ui"]
    (submitted,) = [step for step in steps if step["step"] == "batch submitted"]
    assert batch_ui["url"] == f"{gateway.url}/batches/{submitted['id']}/ui/", detail
    assert batch_ui["status"] == 200 and batch_ui["sparkJobs"], detail
    (followed,) = [step for step in steps if step["step"] == "log followed"]
    assert followed["ticksAfter"] > followed["ticksBefore"], detail
    if os.environ.get("DOCS_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(exist_ok=True)
        for name in DOCS_PNGS:
            shutil.copyfile(SCREENSHOTS / name, DOCS_IMAGES / name)
