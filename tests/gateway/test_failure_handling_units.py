"""The pieces behind failure handling, without Spark: settings, ids, the process tree, the subreaper."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil
import pytest

from sparkwire.gateway.process_tree import DescendantTracker, descendants
from sparkwire.gateway.settings import SettingsError, load_settings
from sparkwire.gateway.validation import parse_id


def test_liveness_and_batch_settings_come_from_the_environment() -> None:
    settings = load_settings(
        {},
        environ={
            "SPARKWIRE_GATEWAY_LIVENESS_TIMEOUT": "30",
            "SPARKWIRE_GATEWAY_MAX_BATCHES": "2",
            "SPARKWIRE_GATEWAY_BATCH_RETENTION": "60",
        },
    )
    assert (settings.liveness_timeout, settings.max_batches, settings.batch_retention) == (30.0, 2, 60.0)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"liveness_timeout": 1, "ping_interval": 2}, "longer than ping_interval"),
        ({"liveness_timeout": -1}, "liveness_timeout"),
        ({"cancel_grace": 0}, "cancel_grace"),
        ({"max_batches": 0}, "max_batches"),
    ],
)
def test_impossible_timings_are_refused(values: dict[str, float], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(values, environ={})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("¹", None),
        ("٣", None),
        ("-1", None),
        ("1" * 19, None),
        ("name", None),
        ("", None),
    ],
)
def test_only_ascii_digits_are_ids(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="PR_SET_CHILD_SUBREAPER and /proc are Linux only"
)
def test_a_setsid_grandchild_stays_below_a_subreaper_and_is_killed_with_it() -> None:
    script = (
        "import os, subprocess, sys, time\n"
        "from sparkwire.gateway.worker.subreaper import become_subreaper\n"
        "assert become_subreaper()\n"
        "child = subprocess.run([sys.executable, '-c', 'import subprocess; "
        'print(subprocess.Popen(["sleep", "300"], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid)\'], '
        "capture_output=True, text=True)\n"
        "print(child.stdout.strip(), flush=True)\n"
        "time.sleep(300)\n"
    )
    root = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert root.stdout is not None
        grandchild = psutil.Process(int(root.stdout.readline()))
        deadline = time.monotonic() + 10
        while grandchild.ppid() != root.pid and time.monotonic() < deadline:
            time.sleep(0.05)
        assert grandchild.ppid() == root.pid, "the orphan was not adopted by the subreaper"
        assert os.getsid(grandchild.pid) != os.getsid(root.pid)
        assert grandchild.pid in [p.pid for p in descendants(root.pid)]

        tracker = DescendantTracker(root.pid)
        tracker.refresh()
        root.kill()  # the root dies first: the tracker still remembers the grandchild
        root.wait(10)
        assert tracker.kill_all() >= 1
        _, alive = psutil.wait_procs([grandchild], timeout=10)
        assert not alive
    finally:
        root.kill()
        root.wait(10)
