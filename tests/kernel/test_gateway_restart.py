"""A real Remote PySpark kernel rides through a real gateway killed with SIGKILL and restarted.

The cell that runs while the gateway is down completes with its output, and says what happened.
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

from tests.support.gateway_process import RunningGateway, start_gateway

from .conftest import CellRun, RunningKernel

SETTINGS = {"worker_grace": 120}


def test_a_running_cell_completes_across_a_gateway_restart(tmp_path: Path, kernel_factory: Any) -> None:
    gateway = start_gateway(tmp_path / "gw", settings=SETTINGS)
    restarted: RunningGateway | None = None
    try:
        kernel: RunningKernel = kernel_factory(SPARKWIRE_URL=gateway.url)
        first = kernel.run("kept = 20")
        assert first.status == "ok", first.messages

        ran: list[CellRun] = []
        cell = threading.Thread(
            target=lambda: ran.append(kernel.run("import time\ntime.sleep(12)\nprint('done', kept + 1)"))
        )
        cell.start()
        time.sleep(4)  # the statement runs in the session process
        gateway.process.send_signal(signal.SIGKILL)
        gateway.process.wait(10)
        time.sleep(2)  # the kernel's polls are refused meanwhile
        restarted = start_gateway(tmp_path / "gw", settings=SETTINGS, port=gateway.port)
        cell.join(180)
        assert not cell.is_alive(), "the cell did not finish"

        (run,) = ran
        assert run.status == "ok", run.messages
        assert "done 21" in run.stdout
        notices = " ".join(
            str(c["data"].get("text/plain", ""))
            for t, c in run.messages
            if t in ("display_data", "update_display_data")
        )
        assert "gateway restarting" in notices and "reconnected" in notices, notices
        assert "kept" in kernel.run("print(sorted(k for k in globals() if k == 'kept'))").stdout
    finally:
        if restarted is not None:
            restarted.stop()
        gateway.stop()
