"""A gateway a team shares: a users file, Livy's access control, impersonation rules, and what a
session can see of the gateway (its UI, its secrets), all on one real gateway with one real session.

Users: alice and bob (ordinary), viewer (view_users), admin (superuser); impersonation on.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

from sparkwire.gateway.access import AccessPolicy, Forbidden
from sparkwire.gateway.users import UserDirectory, UsersFileError, add_user
from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.livy_http import HEADERS

SECRET = "s3a-secret-value-4711"


@dataclass
class Team:
    gateway: RunningGateway
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return self.gateway.url

    def as_user(self, name: str) -> requests.Session:
        client = requests.Session()
        if name == "admin":
            client.auth = ("admin", "admin-password")
        else:
            client.headers["Authorization"] = f"Bearer {self.tokens[name]}"
        client.headers.update(HEADERS)
        return client


def _add_with_cli(users_file: Path, name: str, password: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sparkwire",
            "gateway",
            "add-user",
            "--users-file",
            str(users_file),
            name,
            "--password-stdin",
            "--token",
        ],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert password not in users_file.read_text()
    return result.stdout.strip()


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    tmp = tmp_path_factory.mktemp("team")
    users_file = tmp / "users.json"
    tokens = {
        name: _add_with_cli(users_file, name, f"{name}-password") for name in ("alice", "bob", "viewer")
    }
    add_user(users_file, "admin", "admin-password", with_token=False)
    # Superusers come from the environment, to check the gateway wipes it (session code reads its parent's).
    running = start_gateway(
        tmp,
        settings={"users_file": str(users_file), "view_users": ["viewer"], "impersonation": True},
        env={"SPARKWIRE_GATEWAY_SUPERUSERS": "admin"},
    )
    try:
        yield Team(running, tokens)
    finally:
        running.stop()


def _wait_idle(client: requests.Session, url: str, session_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        session: dict[str, Any] = client.get(f"{url}/sessions/{session_id}", timeout=10).json()
        if session["state"] == "idle":
            return session
        assert session["state"] in ("not_started", "starting"), session
        time.sleep(0.2)
    raise AssertionError("session did not start")


def _run(client: requests.Session, url: str, session_id: int, code: str) -> dict[str, Any]:
    reply = client.post(f"{url}/sessions/{session_id}/statements", json={"code": code}, timeout=30)
    assert reply.status_code == 201, reply.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        statement: dict[str, Any] = client.get(
            f"{url}/sessions/{session_id}/statements/{reply.json()['id']}", timeout=10
        ).json()
        if statement["state"] == "available":
            output: dict[str, Any] = statement["output"]
            assert output["status"] == "ok", output
            return output
        time.sleep(0.1)
    raise AssertionError("statement did not finish")


@pytest.fixture(scope="module")
def alices_session(team: Team) -> Iterator[int]:
    alice = team.as_user("alice")
    reply = alice.post(
        f"{team.url}/sessions",
        timeout=30,
        json={"kind": "pyspark", "conf": {"spark.hadoop.fs.s3a.secret.key": SECRET}},
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["owner"] == "alice"
    session_id = int(reply.json()["id"])
    try:
        _wait_idle(alice, team.url, session_id)
        yield session_id
    finally:
        team.as_user("admin").delete(f"{team.url}/sessions/{session_id}", timeout=60)


# -- users ---------------------------------------------------------------------------------------
def test_users_file_checks_passwords_and_tokens(tmp_path: Path) -> None:
    users_file = tmp_path / "users.json"
    token = add_user(users_file, "carol", "correct horse", with_token=True)
    assert token is not None and token not in users_file.read_text()
    assert users_file.stat().st_mode & 0o777 == 0o600
    directory = UserDirectory.from_file(users_file)
    assert not directory.recently_verified("carol", "correct horse")
    assert directory.check_password("carol", "correct horse")
    assert directory.recently_verified("carol", "correct horse")  # polls skip the Argon2 check
    assert not directory.recently_verified("carol", "wrong")
    assert not directory.check_password("carol", "wrong")
    assert not directory.check_password("nobody", "correct horse")
    assert directory.user_for_token(token) == "carol"
    assert directory.user_for_token(token + "x") is None
    with pytest.raises(UsersFileError, match="empty"):
        add_user(users_file, "dave", " ", with_token=False)
    users_file.write_text('{"users": {"eve": {"password": "plaintext"}}}')
    with pytest.raises(UsersFileError, match="Argon2 hash"):
        UserDirectory.from_file(users_file)


def test_wrong_passwords_and_unknown_tokens_get_a_401(team: Team) -> None:
    assert requests.get(f"{team.url}/sessions", auth=("alice", "wrong"), timeout=10).status_code == 401
    assert (
        requests.get(f"{team.url}/sessions", auth=("alice", "alice-password"), timeout=10).status_code == 200
    )
    reply = requests.get(f"{team.url}/sessions", headers={"Authorization": "Bearer not-a-token"}, timeout=10)
    assert reply.status_code == 401
    assert set(reply.headers["WWW-Authenticate"].split(", ")) >= {'Basic realm="sparkwire"'}


# -- access control -----------------------------------------------------------------------------
def test_each_user_sees_exactly_what_they_may(team: Team, alices_session: int) -> None:
    url, sid = team.url, alices_session

    def listed(name: str) -> list[int]:
        return [s["id"] for s in team.as_user(name).get(f"{url}/sessions", timeout=10).json()["sessions"]]

    assert sid in listed("alice") and sid in listed("admin") and sid in listed("viewer")
    assert sid not in listed("bob")
    bob = team.as_user("bob")
    for method, path in [
        ("get", ""),
        ("get", "/state"),
        ("get", "/log"),
        ("get", "/statements"),
        ("get", "/ui/"),
        ("post", "/statements"),
        ("post", "/completion"),
        ("delete", ""),
    ]:
        body = {"code": "1"} if method == "post" else None
        reply = bob.request(method, f"{url}/sessions/{sid}{path}", json=body, timeout=10)
        assert reply.status_code == 403, (method, path, reply.text)
        assert "belongs to another user" in reply.json()["msg"]
    viewer = team.as_user("viewer")
    assert viewer.get(f"{url}/sessions/{sid}/log", timeout=10).status_code == 200
    assert viewer.post(f"{url}/sessions/{sid}/statements", json={"code": "1"}, timeout=10).status_code == 403
    assert _run(team.as_user("admin"), url, sid, "6 * 7")["data"]["text/plain"] == "42"


def test_batches_are_owned_and_filtered_too(team: Team) -> None:
    batch_dir = team.gateway.work_dir.parent
    (batch_dir / "hello.py").write_text("print('hello')\n")
    alice, bob = team.as_user("alice"), team.as_user("bob")
    reply = alice.post(
        f"{team.url}/batches", json={"file": "hello.py", "conf": {"spark.ui.enabled": "false"}}, timeout=30
    )
    assert reply.status_code == 201, reply.text
    batch = reply.json()
    assert batch["owner"] == "alice"
    assert batch["id"] not in [b["id"] for b in bob.get(f"{team.url}/batches", timeout=10).json()["sessions"]]
    assert bob.get(f"{team.url}/batches/{batch['id']}/log", timeout=10).status_code == 403
    assert bob.delete(f"{team.url}/batches/{batch['id']}", timeout=10).status_code == 403
    assert alice.delete(f"{team.url}/batches/{batch['id']}", timeout=60).status_code == 200


# -- impersonation ------------------------------------------------------------------------------
def test_only_superusers_may_run_as_someone_else(team: Team) -> None:
    """Finding: with impersonation on, `?doAs=superadmin` ran Spark as superadmin."""
    alice = team.as_user("alice")
    for reply in (
        alice.post(f"{team.url}/sessions", params={"doAs": "superadmin"}, json={}, timeout=10),
        alice.post(f"{team.url}/sessions", json={"proxyUser": "superadmin"}, timeout=10),
        alice.post(f"{team.url}/batches", json={"file": "x.py", "proxyUser": "superadmin"}, timeout=10),
    ):
        assert reply.status_code == 403 and "only superusers may impersonate" in reply.json()["msg"]
    # Asking to run as yourself is no impersonation.
    reply = alice.post(f"{team.url}/batches", json={"file": "missing.py", "proxyUser": "alice"}, timeout=10)
    assert reply.status_code == 400 and "no such file" in reply.json()["msg"]
    admin = team.as_user("admin")
    reply = admin.post(f"{team.url}/batches", params={"doAs": "bob"}, json={"file": "missing.py"}, timeout=10)
    assert reply.status_code == 400 and "no such file" in reply.json()["msg"]  # past the access check


def test_impersonation_off_refuses_any_proxy_user() -> None:
    policy = AccessPolicy(enabled=True, impersonation=False, superusers=frozenset({"admin"}))
    with pytest.raises(Forbidden, match="impersonation is off"):
        policy.proxy_user("admin", "bob")
    assert policy.proxy_user("alice", "alice") == "alice"
    assert policy.proxy_user("alice", None) is None


def test_proxy_user_without_impersonation_is_a_403_on_a_plain_gateway(gateway: RunningGateway) -> None:
    reply = requests.post(f"{gateway.url}/sessions", json={"proxyUser": "root"}, headers=HEADERS, timeout=10)
    assert reply.status_code == 403 and "impersonation is off" in reply.json()["msg"]


# -- what the session can reach -----------------------------------------------------------------
def test_spark_ui_is_on_loopback_and_reached_through_the_gateway(team: Team, alices_session: int) -> None:
    """Finding: each session's Spark UI listened on all interfaces (*:4040) with job kill enabled."""
    alice = team.as_user("alice")
    session = alice.get(f"{team.url}/sessions/{alices_session}", timeout=10).json()
    assert session["appInfo"]["sparkUiUrl"] == f"{team.url}/sessions/{alices_session}/ui/"
    page = alice.get(f"{team.url}/sessions/{alices_session}/ui/jobs/", timeout=30)
    assert page.status_code == 200 and "Spark Jobs" in page.text
    assert f'href="/sessions/{alices_session}/ui/static/' in page.text
    out = _run(alice, team.url, alices_session, "spark.conf.get('spark.ui.killEnabled')")
    assert out["data"]["text/plain"] == "'false'"
    worker = psutil.Process(_run_pid(alice, team.url, alices_session))
    listening = [
        c.laddr.ip
        for p in [worker, *worker.children(recursive=True)]
        for c in p.net_connections("tcp")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening and all(ip.removeprefix("::ffff:") in ("127.0.0.1", "::1") for ip in listening), (
        listening
    )


# Starts Spark, runs a job, then waits for the file named by its argument (the test ends it that way).
UI_BATCH = (
    "import os, sys, time\nfrom pyspark.sql import SparkSession\n"
    "spark = SparkSession.builder.getOrCreate()\nprint('counted', spark.range(1000).count(), flush=True)\n"
    "deadline = time.time() + 300\nwhile not os.path.exists(sys.argv[1]) and time.time() < deadline:\n"
    "    time.sleep(0.2)\nspark.stop()\n"
)


def test_a_batchs_spark_ui_is_reached_through_the_gateway_while_it_runs(team: Team) -> None:
    batch_dir = team.gateway.work_dir.parent
    (batch_dir / "ui_batch.py").write_text(UI_BATCH)
    stop = batch_dir / "ui_batch.stop"
    alice, bob, viewer = team.as_user("alice"), team.as_user("bob"), team.as_user("viewer")
    # The gateway picks the UI port: one the request names is overridden, not trusted.
    reply = alice.post(
        f"{team.url}/batches",
        json={"file": "ui_batch.py", "args": [str(stop)], "conf": {"spark.ui.port": "4040"}},
        timeout=30,
    )
    assert reply.status_code == 201, reply.text
    batch_id = reply.json()["id"]
    ui = f"{team.url}/batches/{batch_id}/ui/"
    try:
        deadline = time.monotonic() + 180
        while (batch := alice.get(f"{team.url}/batches/{batch_id}", timeout=10).json())["appInfo"][
            "sparkUiUrl"
        ] is None:
            assert batch["state"] in ("starting", "running") and time.monotonic() < deadline, batch
            if batch["state"] == "starting":
                early = alice.get(ui, timeout=10)
                assert early.status_code == 404 and "no Spark UI yet" in early.json()["msg"], early.text
            time.sleep(0.3)
        assert batch["state"] == "running" and batch["appInfo"]["sparkUiUrl"] == ui, batch
        # The UI answers "Spark is starting up" until the SparkContext is ready.
        while (
            "Spark Jobs" not in (page := alice.get(f"{ui}jobs/", timeout=30)).text
            and time.monotonic() < deadline
        ):
            assert page.status_code == 200 and "starting up" in page.text, page.text[:500]
            time.sleep(0.3)
        assert page.status_code == 200 and "Spark Jobs" in page.text, page.text[:500]
        assert f'href="/batches/{batch_id}/ui/static/' in page.text
        redirect = alice.get(f"{team.url}/batches/{batch_id}/ui", timeout=30, allow_redirects=False)
        assert redirect.status_code == 307 and redirect.headers["location"] == f"/batches/{batch_id}/ui/"
        assert viewer.get(f"{ui}jobs/", timeout=30).status_code == 200  # view_users see every batch
        assert requests.get(f"{ui}jobs/", timeout=10).status_code == 401
        refused = bob.get(f"{ui}jobs/", timeout=10)
        assert refused.status_code == 403 and "Spark Jobs" not in refused.text
        log = alice.get(f"{team.url}/batches/{batch_id}/log", params={"size": -1}, timeout=10).json()["log"]
        (port,) = {m.group(1) for line in log if (m := re.search(r"service 'SparkUI' on port (\d+)", line))}
        assert port != "4040", log
        listed = [
            b for b in alice.get(f"{team.url}/batches", timeout=10).json()["sessions"] if b["id"] == batch_id
        ]
        assert listed[0]["appInfo"]["sparkUiUrl"] == ui
    finally:
        stop.write_text("")
    deadline = time.monotonic() + 120
    while (batch := alice.get(f"{team.url}/batches/{batch_id}", timeout=10).json())["state"] in (
        "starting",
        "running",
    ):
        assert time.monotonic() < deadline, batch
        time.sleep(0.3)
    assert batch["state"] == "success" and batch["appInfo"]["sparkUiUrl"] is None, batch
    ended = alice.get(f"{ui}jobs/", timeout=10)
    assert ended.status_code == 404, ended.text
    assert ended.json()["msg"] == (
        f"Batch {batch_id} has ended (success), and its Spark UI ended with it; its log "
        f"stays at /batches/{batch_id}/log."
    ), ended.text


def _run_pid(client: requests.Session, url: str, session_id: int) -> int:
    return int(_run(client, url, session_id, "import os\nos.getpid()")["data"]["text/plain"])


def test_session_code_reads_no_gateway_secret(team: Team, alices_session: int) -> None:
    """Findings: /proc/<gateway>/environ held the token; argv of started processes held conf secrets."""
    alice = team.as_user("alice")
    code = (
        "import os, glob\n"
        "gateway = open(f'/proc/{os.getppid()}/environ', 'rb').read()\n"
        f"lines = [p for p in glob.glob('/proc/[0-9]*/cmdline') if b'{SECRET}' in open(p, 'rb').read()"
        " and not p.endswith(f'/{os.getpid()}/cmdline')]\n"
        "(b'SPARKWIRE_GATEWAY_SUPERUSERS=admin' in gateway, [k for k in os.environ if k.startswith('SPARKWIRE')],"
        " lines)"
    )
    # The session's one sparkwire variable is the folder its SQL results go to (not a secret).
    assert _run(alice, team.url, alices_session, code)["data"]["text/plain"] == (
        "(False, ['SPARKWIRE_RESULTS_DIR'], [])"
    )


def test_session_log_masks_secret_conf(team: Team, alices_session: int) -> None:
    """Finding: GET /sessions/{id}/log showed --conf spark.hadoop.fs.s3a.secret.key=... unmasked."""
    alice = team.as_user("alice")
    log = alice.get(f"{team.url}/sessions/{alices_session}/log", params={"size": -1}, timeout=10).json()[
        "log"
    ]
    session = alice.get(f"{team.url}/sessions/{alices_session}", timeout=10).json()
    assert len(log) > 5
    assert SECRET not in "\n".join(log) and SECRET not in str(session)
