"""The warm pool: sessions started ahead of requests and handed out on create, on a real gateway.

One gateway with ``pool_size`` 1 and a users file (so a hand-out has an owner to set); its pooled
sessions are real PySpark workers.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psutil
import pytest
import requests

from sparkwire.gateway.kinds import runnable_kinds
from sparkwire.gateway.models import CreateSessionRequest
from sparkwire.gateway.pool import SessionPool, matches_pool, pool_kind
from sparkwire.gateway.settings import SettingsError, load_settings
from sparkwire.gateway.users import add_user
from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.livy_http import HEADERS

TIMEOUT = 180.0


# -- which requests a pooled session serves ---------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "kind", "proxy_user", "expected"),
    [
        ({}, "shared", None, True),
        (
            {"kind": "pyspark", "name": "mine", "ttl": "1h", "heartbeatTimeoutInSecond": 60},
            "pyspark",
            None,
            True,
        ),
        ({"conf": {"spark.sql.shuffle.partitions": "4"}}, "pyspark", None, True),  # the gateway's own value
        ({"conf": {"spark.sql.shuffle.partitions": "3"}}, "pyspark", None, False),
        ({"driverMemory": "2g"}, "pyspark", None, False),
        ({"jars": ["/tmp/x.jar"]}, "pyspark", None, False),
        ({"queue": "etl"}, "pyspark", None, False),
        ({}, "pyspark", "bob", False),
        ({"kind": "sql"}, "sql", None, True),  # a pyspark worker runs sql sessions alike
        ({"kind": "spark"}, "spark", None, True),  # served only where the pool keeps spark sessions
    ],
)
def test_only_requests_a_pooled_session_fits_take_one(
    body: dict[str, Any], kind: str, proxy_user: str | None, expected: bool
) -> None:
    request = CreateSessionRequest.model_validate(body)
    assert matches_pool(request, kind, proxy_user, {"spark.sql.shuffle.partitions": "4"}) is expected


def test_pyspark_pool_serves_shared_and_sql_sessions_and_spark_its_own() -> None:
    assert [pool_kind(kind) for kind in ("pyspark", "shared", "sql", "spark")] == [
        "pyspark",
        "pyspark",
        "pyspark",
        "spark",
    ]


@dataclass
class _StandInSession:
    """The little of a session the pool's refill loop reads: its state. Starting real Spark sessions
    cannot fail on demand for one kind and not another, which is what this test needs."""

    state: str = "idle"
    is_final: bool = False

    async def stop(self, reason: str) -> None:
        self.state, self.is_final = "dead", True


def test_a_kind_that_cannot_start_does_not_hold_up_the_others() -> None:
    tries = {"spark": 0, "pyspark": 0}

    async def start_one(kind: str) -> Any:
        tries[kind] += 1
        if kind == "spark":
            raise RuntimeError("no Scala here")
        return _StandInSession()

    async def scenario() -> dict[str, Any]:
        pool = SessionPool(1, start_one, kinds=("spark", "pyspark"), check_interval=0.05)
        pool.start()
        await asyncio.sleep(1.0)
        status = pool.status()
        await pool.shutdown()
        return status

    status = asyncio.run(scenario())
    assert status["pyspark"].ready == 1 and tries["pyspark"] == 1
    # spark failed at once and backs off (2 s after the first failure): tried once in that second.
    assert tries["spark"] == 1 and status["spark"].ready == 0


def test_pool_kinds_default_to_pyspark_and_are_checked() -> None:
    assert load_settings({}, environ={}).pool_kinds == ("pyspark",)
    environ = {"SPARKWIRE_GATEWAY_POOL_KINDS": "pyspark, Spark"}
    assert load_settings({}, environ=environ).pool_kinds == ("pyspark", "spark")
    with pytest.raises(SettingsError, match="pool_kinds must list pyspark and/or spark"):
        load_settings({"pool_kinds": "pyspark,sql"}, environ={})
    with pytest.raises(SettingsError, match="each once"):
        load_settings({"pool_kinds": ["spark", "spark"]}, environ={})


def test_pool_size_defaults_to_one_on_loopback_and_zero_elsewhere() -> None:
    assert load_settings({}, environ={}).warm_pool_size == 1
    assert load_settings({"host": "0.0.0.0", "auth_token": "t" * 32}, environ={}).warm_pool_size == 0
    assert load_settings({}, environ={"SPARKWIRE_GATEWAY_POOL_SIZE": "3"}).warm_pool_size == 3
    assert load_settings({"pool_size": 0}, environ={"SPARKWIRE_GATEWAY_POOL_SIZE": "3"}).warm_pool_size == 0
    with pytest.raises(SettingsError, match="pool_size"):
        load_settings({"pool_size": -1}, environ={})


def test_pool_size_option_is_checked() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sparkwire", "gateway", "--pool-size", "-2"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "pool_size must be between 0 (no warm pool) and 64, not -2" in result.stderr


# -- the real pool ----------------------------------------------------------------------------------
@dataclass
class PoolGateway:
    gateway: RunningGateway
    alice: requests.Session

    def get(self, path: str) -> Any:
        reply = self.alice.get(self.gateway.url + path, timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        reply = self.alice.post(self.gateway.url + "/sessions", json=body, timeout=30)
        assert reply.status_code == 201, reply.text
        result: dict[str, Any] = reply.json()
        return result

    def wait_pool_ready(self, ready: int = 1, kind: str | None = None) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            status = self.get("/pool")
            if (status["kinds"][kind] if kind else status)["ready"] >= ready:
                return
            time.sleep(0.2)
        raise AssertionError(f"the pool did not reach {ready} ready session(s):\n{self.gateway.log_text()}")

    def run(self, session_id: int, code: str, kind: str | None = None) -> dict[str, Any]:
        body = {"code": code} if kind is None else {"code": code, "kind": kind}
        reply = self.alice.post(f"{self.gateway.url}/sessions/{session_id}/statements", json=body, timeout=30)
        assert reply.status_code == 201, reply.text
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            statement: dict[str, Any] = self.get(f"/sessions/{session_id}/statements/{reply.json()['id']}")
            if statement["state"] == "available":
                return statement
            time.sleep(0.1)
        raise AssertionError("statement did not finish")


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PoolGateway]:
    tmp = tmp_path_factory.mktemp("pool")
    users_file = tmp / "users.json"
    add_user(users_file, "alice", "alice-password", with_token=False)
    running = start_gateway(tmp, settings={"pool_size": 1, "users_file": str(users_file)})
    alice = requests.Session()
    alice.auth = ("alice", "alice-password")
    alice.headers.update(HEADERS)
    try:
        yield PoolGateway(running, alice)
    finally:
        running.stop()


def test_pooled_session_is_handed_out_idle_with_the_caller_as_owner_and_a_fresh_id(pool: PoolGateway) -> None:
    pool.wait_pool_ready()
    assert pool.get("/pool") == {
        "size": 1,
        "ready": 1,
        "starting": 0,
        "kinds": {"pyspark": {"size": 1, "ready": 1, "starting": 0}},
    }
    assert pool.get("/sessions")["total"] == 0  # pooled sessions are nobody's: not listed

    session = pool.create({"kind": "pyspark", "name": "from-the-pool"})
    assert session["state"] == "idle"  # no start-up left to wait for
    assert (session["owner"], session["name"], session["kind"]) == ("alice", "from-the-pool", "pyspark")
    assert session["id"] == 0  # the next id at hand-out time
    assert [s["id"] for s in pool.get("/sessions")["sessions"]] == [0]
    assert pool.run(0, "spark.range(5).count()")["output"]["data"]["text/plain"] == "5"
    assert any(
        "handed out from the warm pool as session 0" in line
        for line in pool.get("/sessions/0/log?size=200")["log"]
    )

    # The store knows the session under its final id, with the folder its files live in.
    with sqlite3.connect(pool.gateway.work_dir / "gateway.sqlite3") as db:
        (info,) = db.execute("SELECT info FROM sessions WHERE id = 0").fetchone()
    home = json.loads(info)["home"]
    assert home.startswith("pool-") and json.loads(info)["owner"] == "alice"
    assert (pool.gateway.work_dir / "sessions" / "0").resolve() == (pool.gateway.work_dir / "sessions" / home)
    pool.alice.delete(f"{pool.gateway.url}/sessions/0", timeout=60)


def test_pool_refills_in_the_background_and_stays_hidden(pool: PoolGateway) -> None:
    pool.wait_pool_ready()
    taken = pool.create({})
    try:
        assert taken["state"] == "idle" and taken["kind"] == "shared"
        assert pool.get("/pool")["ready"] == 0
        pool.wait_pool_ready()  # a replacement started on its own
        listed = [s["id"] for s in pool.get("/sessions")["sessions"]]
        assert max(listed) == taken["id"]  # the replacement is not listed
    finally:
        pool.alice.delete(f"{pool.gateway.url}/sessions/{taken['id']}", timeout=60)


def test_sql_session_is_served_by_the_pyspark_pool(pool: PoolGateway) -> None:
    pool.wait_pool_ready()
    session = pool.create({"kind": "sql"})
    try:
        assert (session["state"], session["kind"]) == ("idle", "sql")
        result = pool.run(session["id"], "SELECT 1 + 1 AS two")
        assert result["output"]["status"] == "ok", result
        assert result["output"]["data"]["application/json"]["data"] == [[2]]
    finally:
        pool.alice.delete(f"{pool.gateway.url}/sessions/{session['id']}", timeout=60)


def test_custom_conf_bypasses_the_pool(pool: PoolGateway) -> None:
    pool.wait_pool_ready()
    session = pool.create({"kind": "pyspark", "conf": {"spark.sql.shuffle.partitions": "3"}})
    try:
        assert session["state"] == "starting"  # a session of its own, started for this request
        assert pool.get("/pool")["ready"] == 1  # the pooled one is still there
    finally:
        pool.alice.delete(f"{pool.gateway.url}/sessions/{session['id']}", timeout=60)


def test_shutdown_stops_pooled_sessions(tmp_path_factory: pytest.TempPathFactory) -> None:
    running = start_gateway(tmp_path_factory.mktemp("pool-shutdown"), settings={"pool_size": 1})
    try:
        deadline = time.monotonic() + TIMEOUT
        while requests.get(running.url + "/pool", timeout=10).json()["ready"] < 1:
            assert time.monotonic() < deadline, running.log_text()
            time.sleep(0.2)
        workers = psutil.Process(running.process.pid).children(recursive=True)
        assert workers, "the pooled session's processes"
    finally:
        running.stop()
    _gone, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive, [p.pid for p in alive]


@pytest.mark.skipif("spark" not in runnable_kinds(), reason="this Spark ships no Scala REPL")
def test_spark_pool_hands_out_a_scala_session_with_its_repl_running(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    tmp = tmp_path_factory.mktemp("pool-kinds")
    users_file = tmp / "users.json"
    add_user(users_file, "alice", "alice-password", with_token=False)
    running = start_gateway(
        tmp, settings={"pool_size": 1, "pool_kinds": "pyspark,spark", "users_file": str(users_file)}
    )
    alice = requests.Session()
    alice.auth = ("alice", "alice-password")
    alice.headers.update(HEADERS)
    pool = PoolGateway(running, alice)
    try:
        pool.wait_pool_ready(kind="pyspark")
        pool.wait_pool_ready(kind="spark")
        status = pool.get("/pool")
        assert (status["size"], status["ready"]) == (2, 2)

        session = pool.create({"kind": "spark"})
        assert (session["state"], session["kind"]) == ("idle", "spark")  # the REPL ran before hand-out
        kinds = pool.get("/pool")["kinds"]
        assert kinds["pyspark"] == {"size": 1, "ready": 1, "starting": 0}  # untouched by a spark hand-out
        assert kinds["spark"]["ready"] == 0  # its replacement may be starting already
        text = pool.run(session["id"], "1 + 1")["output"]["data"]["text/plain"]
        assert text.startswith(("val res0", "res0")) and text.endswith(": Int = 2"), text
        pool.wait_pool_ready(kind="spark")  # refilled with a Scala session of its own

        shared = pool.create({})
        assert shared["state"] == "idle"
        assert pool.get("/pool")["kinds"]["spark"]["ready"] == 1  # shared requests take pyspark ones
        pool.alice.delete(f"{running.url}/sessions/{shared['id']}", timeout=60)
        pool.alice.delete(f"{running.url}/sessions/{session['id']}", timeout=60)
    finally:
        running.stop()
