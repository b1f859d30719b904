"""``sparkwire batch`` as a user runs it: a real gateway, real spark-submit, the command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.gateway_process import RunningGateway, free_port, start_gateway

HELLO = "import sys\nprint('hello from the batch', sys.argv[1:], flush=True)\n"
FAILING = "raise SystemExit('the batch gives up')\n"
SLEEPER = "import time\nprint('sleeping', flush=True)\ntime.sleep(600)\n"
QUICK = ["--conf", "spark.ui.enabled=false"]


class Cli:
    """Runs ``python -m sparkwire`` with HOME pointing at a config file the test wrote."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def __call__(
        self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 180
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sparkwire", *args],
            check=False,
            capture_output=True,
            text=True,
            cwd=cwd,
            env={**os.environ, "HOME": str(self.home), **(env or {})},
            timeout=timeout,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "sparkwire", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "HOME": str(self.home)},
        )


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-jobs")
    (folder / "hello.py").write_text(HELLO)
    (folder / "failing.py").write_text(FAILING)
    (folder / "sleeper.py").write_text(SLEEPER)
    return folder


@pytest.fixture(scope="module")
def cli_gateway(tmp_path_factory: pytest.TempPathFactory, jobs: Path) -> Iterator[RunningGateway]:
    running = start_gateway(tmp_path_factory.mktemp("cli-gw"), extra_args=["--batch-dir", str(jobs)])
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def sparkwire(tmp_path_factory: pytest.TempPathFactory, cli_gateway: RunningGateway) -> Cli:
    """The command, with one configured endpoint ``gw``: the test gateway."""
    home = tmp_path_factory.mktemp("home")
    (home / ".sparkwire").mkdir()
    (home / ".sparkwire" / "config.json").write_text(
        json.dumps({"endpoints": {"gw": {"url": cli_gateway.url}}})
    )
    return Cli(home)


def test_submit_wait_streams_the_log_and_exits_with_the_outcome(
    sparkwire: Cli, cli_gateway: RunningGateway, jobs: Path
) -> None:
    # A relative FILE is the caller's: the command sends it as an absolute path.
    ok = sparkwire(
        "batch",
        "submit",
        "hello.py",
        "--url",
        cli_gateway.url,
        "--name",
        "greeting",
        *QUICK,
        "--driver-memory",
        "512m",
        "--wait",
        "--",
        "one",
        "--two",
        cwd=jobs,
    )
    assert ok.returncode == 0, ok.stderr
    assert "hello from the batch ['one', '--two']" in ok.stdout
    assert "spark-submit exited with code 0" in ok.stdout
    progress = ok.stderr.splitlines()
    assert progress[0].startswith("[batch ") and "submitted" in progress[0]
    assert "starting · 0s" in progress[1] and "success · " in progress[-1]

    failed = sparkwire(
        "batch", "submit", str(jobs / "failing.py"), *QUICK, "--wait", env={"SPARKWIRE_URL": cli_gateway.url}
    )
    assert failed.returncode == 1, failed.stderr
    assert "the batch gives up" in failed.stdout and "dead · " in failed.stderr.splitlines()[-1]
    assert "Traceback" not in failed.stderr


def test_list_status_logs_and_kill(sparkwire: Cli, cli_gateway: RunningGateway, jobs: Path) -> None:
    url = cli_gateway.url
    submitted = sparkwire(
        "batch", "submit", str(jobs / "sleeper.py"), "--url", url, "--name", "sleeper", *QUICK
    )
    assert submitted.returncode == 0 and "submitted" in submitted.stdout, submitted.stderr
    batch_id = submitted.stdout.split()[1]
    deadline = time.monotonic() + 120
    while "sleeping" not in (logs := sparkwire("batch", "logs", batch_id, "--url", url)).stdout:
        assert logs.returncode == 0 and time.monotonic() < deadline, logs.stderr
        time.sleep(0.5)

    listing = sparkwire("batch", "list", "--url", url)
    assert listing.returncode == 0 and listing.stdout.splitlines()[0].split() == [
        "ID",
        "STATE",
        "NAME",
        "APP",
        "ID",
    ]
    row = next(line.split() for line in listing.stdout.splitlines() if line.split()[0] == batch_id)
    assert row[2] == "sleeper" and row[1] in ("starting", "running")
    status = sparkwire("batch", "status", "sleeper", "--url", url)
    assert status.returncode == 0 and status.stdout.startswith(f"batch {batch_id}: ")

    # Follow in the background; the kill ends it with exit code 1.
    follower = sparkwire.popen("batch", "logs", batch_id, "-f", "--url", url)
    killed = sparkwire("batch", "kill", batch_id, "--url", url)
    assert killed.returncode == 0 and killed.stdout.strip() == f"batch {batch_id} killed", killed.stderr
    out, _ = follower.communicate(timeout=60)
    assert follower.returncode == 1 and "batch process stopped" in out
    again = sparkwire("batch", "kill", batch_id, "--url", url)
    assert again.returncode == 0 and "already ended (killed)" in again.stdout
    assert requests.get(f"{url}/batches/{batch_id}", timeout=10).json()["state"] == "killed"


def test_errors_are_one_clear_line(sparkwire: Cli, cli_gateway: RunningGateway) -> None:
    unreachable = sparkwire("batch", "list", "--url", f"http://127.0.0.1:{free_port()}")
    assert unreachable.returncode == 2 and "Traceback" not in unreachable.stderr
    assert unreachable.stderr.count("\n") == 1 and "refused" in unreachable.stderr

    refused = sparkwire("batch", "submit", "/etc/hostname", "--url", cli_gateway.url)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "batch_dirs" in refused.stderr and "SPARKWIRE_GATEWAY_BATCH_DIRS" in refused.stderr

    missing = sparkwire("batch", "status", "999", "--url", cli_gateway.url)
    assert missing.returncode == 2 and "not found" in missing.stderr and "Traceback" not in missing.stderr

    bad_conf = sparkwire("batch", "submit", "x.py", "--conf", "novalue", "--url", cli_gateway.url)
    assert bad_conf.returncode == 2 and "KEY=VALUE" in bad_conf.stderr and "Traceback" not in bad_conf.stderr

    unknown = sparkwire("batch", "list", "--endpoint", "prod")
    assert unknown.returncode == 2 and "Known endpoints: gw" in unknown.stderr, unknown.stderr


def test_a_named_endpoint_from_the_config_file(sparkwire: Cli) -> None:
    listing = sparkwire("batch", "list", "--endpoint", "gw")
    assert listing.returncode == 0 and listing.stdout.startswith("ID"), listing.stderr
