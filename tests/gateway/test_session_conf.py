"""Spark settings sessions get by default: no console progress bars in the session log."""

from __future__ import annotations

import requests

from sparkwire.gateway.worker.main import conf_defaults
from tests.support.livy_http import HEADERS, create_session, run, wait_session

SLOW_STAGES = (
    "import time\n"
    "rdd = sc.parallelize(range(8), 4).map(lambda x: (x % 2, x))\n"
    "def slow(kv):\n"
    "    time.sleep(0.4)\n"
    "    return kv\n"
    "print(rdd.map(slow).reduceByKey(lambda a, b: a + b).count())"
)


def test_console_progress_is_off_unless_the_submit_arguments_set_it() -> None:
    assert conf_defaults("--master local[*] pyspark-shell") == {"spark.ui.showConsoleProgress": "false"}
    assert conf_defaults("--conf spark.ui.showConsoleProgress=true pyspark-shell") == {}
    assert conf_defaults("--conf=spark.ui.showConsoleProgress=true pyspark-shell") == {}
    assert conf_defaults("--conf spark.x=spark.ui.showConsoleProgress pyspark-shell") != {}


def test_a_session_log_has_no_console_progress_bars(gateway_url: str, pyspark_session: int) -> None:
    setting = run(gateway_url, pyspark_session, "spark.conf.get('spark.ui.showConsoleProgress')")
    assert setting["output"]["data"]["text/plain"] == "'false'"
    statement = run(gateway_url, pyspark_session, SLOW_STAGES)  # two stages of over a second each
    assert statement["output"]["data"]["text/plain"] == "2"
    log = requests.get(
        f"{gateway_url}/sessions/{pyspark_session}/log", params={"size": 10000}, headers=HEADERS, timeout=30
    ).json()["log"]
    assert log and not any("[Stage " in line for line in log), log


def test_the_request_conf_can_turn_console_progress_back_on(gateway_url: str) -> None:
    session = create_session(
        gateway_url, {"kind": "pyspark", "conf": {"spark.ui.showConsoleProgress": "true"}}
    )
    try:
        wait_session(gateway_url, session["id"])
        setting = run(gateway_url, session["id"], "spark.conf.get('spark.ui.showConsoleProgress')")
        assert setting["output"]["data"]["text/plain"] == "'true'"
        run(gateway_url, session["id"], SLOW_STAGES)
        log = requests.get(
            f"{gateway_url}/sessions/{session['id']}/log", params={"size": 10000}, headers=HEADERS, timeout=30
        ).json()["log"]
        assert any("[Stage " in line for line in log), log  # what the default keeps out of the log
    finally:
        requests.delete(f"{gateway_url}/sessions/{session['id']}", headers=HEADERS, timeout=30)
