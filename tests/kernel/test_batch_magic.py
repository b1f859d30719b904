"""``%batch ...`` in the Remote PySpark kernel: the verbs of ``sparkwire batch``, printing into the cell."""

from __future__ import annotations

from tests.support.gateway_process import RunningGateway

from .conftest import RunningKernel

FAILING = "raise SystemExit('this application fails on purpose')\n"


def test_batch_verbs_in_the_kernel(gateway_kernel: RunningKernel, gateway: RunningGateway) -> None:
    allowed = gateway.work_dir.parent  # the gateway accepts batch files from the folder it started in
    (allowed / "kernel_ok.py").write_text("print('hello from a batch')\n")
    (allowed / "kernel_fails.py").write_text(FAILING)

    ok = gateway_kernel.run(f"%batch submit {allowed / 'kernel_ok.py'} --name kernel-ok --wait")
    assert ok.status == "ok", ok.reply
    assert "hello from a batch" in ok.stdout

    failed = gateway_kernel.run(f"%batch submit {allowed / 'kernel_fails.py'} --wait")
    assert failed.status == "error"
    assert failed.reply["ename"] == "BatchFailed"
    assert "fails on purpose" in failed.stdout  # spark-submit's log, streamed into the cell

    listing = gateway_kernel.run("%batch list")
    assert listing.status == "ok" and "kernel-ok" in listing.stdout

    usage = gateway_kernel.run("%batch")
    assert usage.status == "error"  # no verb: the usage, and a failed cell
