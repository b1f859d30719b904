"""``%spark batch ...``: the verbs of ``sparkwire batch`` from a notebook, against the real gateway."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from tests.support.gateway_process import RunningGateway

PI = """\
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
n = int(sys.argv[1])
inside = spark.sparkContext.parallelize(range(n), 2).filter(lambda i: (i * 7919 % n) ** 2 < n * n // 2).count()
print(f"counted {inside} of {n}")
spark.stop()
"""


def test_submit_wait_then_list_status_and_logs(
    shell: InteractiveShell, gateway: RunningGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    # The suite's gateway accepts batch files from the folder it was started in.
    script = gateway.work_dir.parent / "magic_batch.py"
    script.write_text(PI)
    shell.run_line_magic(
        "spark", f"batch submit {script} --url {gateway.url} --name from-magic --wait -- 1000"
    )
    out, err = capsys.readouterr()
    assert "counted " in out and "of 1000" in out, out
    assert "success" in err, err
    shell.run_line_magic("spark", f"batch list --url {gateway.url}")
    listing = capsys.readouterr().out
    assert "from-magic" in listing and "success" in listing


def test_a_failed_verb_raises_so_the_run_stops(
    shell: InteractiveShell, gateway: RunningGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UsageError, match="exit code 2"):
        shell.run_line_magic("spark", f"batch submit /etc/hostname --url {gateway.url}")
    assert "batch_dirs" in capsys.readouterr().err  # the gateway's own words: the file is not allowed
    with pytest.raises(UsageError, match="exit code 2"):
        shell.run_line_magic("spark", "batch frobnicate")
    assert "invalid choice" in capsys.readouterr().err
