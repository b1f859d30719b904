"""The gateway in front of a real Spark standalone master and worker (the seed 001 appliance)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.support.gateway_process import start_gateway
from tests.support.livy_http import HEADERS, create_session, run, wait_session
from tests.support.standalone import start_cluster

pytestmark = pytest.mark.slow


def test_session_runs_on_a_standalone_cluster(tmp_path: Path) -> None:
    cluster = start_cluster(tmp_path / "cluster")
    gateway = start_gateway(
        tmp_path / "gateway", extra_args=["--master", cluster.master_url], env={"SPARK_LOCAL_IP": "127.0.0.1"}
    )
    try:
        session = create_session(
            gateway.url,
            {
                "kind": "pyspark",
                "executorMemory": "512m",
                "executorCores": 1,
                "name": "on-cluster",
                "conf": {"spark.cores.max": "1", "spark.ui.enabled": "false"},
            },
        )
        ready = wait_session(gateway.url, session["id"], timeout=180)
        assert ready["appId"].startswith("app-")  # a standalone application id, not local-
        master = run(gateway.url, session["id"], "sc.master")["output"]["data"]["text/plain"]
        assert master == repr(cluster.master_url)
        total = run(gateway.url, session["id"], "sc.parallelize(range(1000), 4).map(lambda x: x * 2).sum()")
        assert total["output"]["data"]["text/plain"] == "999000"
        conf = run(gateway.url, session["id"], "sc.getConf().get('spark.executor.memory')")
        assert conf["output"]["data"]["text/plain"] == "'512m'"
        apps = requests.get(f"{cluster.master_ui}/json/", timeout=5).json()["activeapps"]
        assert [a["id"] for a in apps] == [ready["appId"]]
        assert requests.delete(f"{gateway.url}/sessions/{session['id']}", headers=HEADERS, timeout=60).ok
    finally:
        gateway.stop()
        cluster.stop()
