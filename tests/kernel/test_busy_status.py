"""The kernel reads busy for the whole remote execution, as a frontend tracking iopub status sees it."""

from __future__ import annotations

import queue
import time
from typing import Any

from .conftest import TIMEOUT, RunningKernel


def _statuses_during(kernel: RunningKernel, code: str, *, poke: bool) -> list[tuple[str, str]]:
    """Run ``code``; meanwhile (``poke``) send control-channel requests as JupyterLab's extensions do.

    :return: ``(execution_state, parent msg_type)`` of every iopub status until the cell's own idle.
    """
    kc = kernel.kc
    msg_id = kc.execute(code)
    statuses: list[tuple[str, str]] = []
    deadline = time.monotonic() + TIMEOUT
    poked = 0
    while time.monotonic() < deadline:
        if poke and poked < 3 and statuses and statuses[0] == ("busy", "execute_request"):
            time.sleep(0.5)
            kc.control_channel.send(kc.session.msg("kernel_info_request"))
            poked += 1
        try:
            msg: dict[str, Any] = kc.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            continue
        if msg["msg_type"] != "status":
            continue
        parent = msg["parent_header"]
        statuses.append((msg["content"]["execution_state"], parent.get("msg_type", "")))
        if parent.get("msg_id") == msg_id and msg["content"]["execution_state"] == "idle":
            break
    kc.get_shell_msg(timeout=TIMEOUT)
    return statuses


def test_status_stays_busy_while_a_remote_cell_runs(gateway_kernel: RunningKernel) -> None:
    assert gateway_kernel.run("import time").status == "ok"  # the session is up
    statuses = _statuses_during(gateway_kernel, "time.sleep(3)", poke=True)
    assert statuses[0] == ("busy", "execute_request") and statuses[-1] == ("idle", "execute_request"), (
        statuses
    )
    assert ("idle", "kernel_info_request") in statuses, statuses  # the control requests were answered
    # A frontend shows the last status it received: busy after each control request's idle.
    shown = [state for state, _ in statuses[:-1]]
    assert shown[-1] == "busy", statuses
    for index, (state, parent) in enumerate(statuses[:-1]):
        if state == "idle":
            assert statuses[index + 1][0] == "busy", statuses
