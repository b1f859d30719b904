"""``%attach ID``: a notebook joins a session someone else started, and leaves it running."""

from __future__ import annotations

from collections.abc import Callable

import requests

from tests.support.livy_http import run

from .conftest import RunningKernel


def test_attach_shares_an_existing_session(
    kernel_factory: Callable[..., RunningKernel], gateway_url: str, pyspark_session: int
) -> None:
    run(gateway_url, pyspark_session, "attach_marker = 'set by someone else'")
    kernel = kernel_factory(SPARKWIRE_URL=gateway_url)
    attached = kernel.run(f"%attach {pyspark_session}")
    assert attached.status == "ok", attached.reply
    assert attached.stdout.startswith(f"Attached to session {pyspark_session} (pyspark, ")
    assert kernel.run("print(attach_marker)").stdout == "set by someone else\n"
    info = kernel.run("%%info")
    assert f"This notebook's session: {pyspark_session}" in info.stdout and "attached" in info.stdout
    assert kernel.run(f"%attach {pyspark_session}").stdout == f"Already using session {pyspark_session}.\n"
    missing = kernel.run("%attach 987654")
    assert missing.status == "error" and missing.reply["ename"] == "SessionNotFound"
    kernel.stop()
    # Shutting down deletes only sessions the kernel created.
    assert requests.get(f"{gateway_url}/sessions/{pyspark_session}", timeout=10).json()["state"] == "idle"
