"""The API fuzzed from its own OpenAPI document (schemathesis, all checks), and input validation.

The gateway here is real and so are its session processes (the real worker, REPL and protocol), but
they import the JVM-free stub pyspark of tests/support/stub_pyspark: the fuzz creates hundreds of
sessions and batches, and real ones would start hundreds of JVMs on a 2-core machine. The stub
replaces only ``SparkSession`` and ``spark-submit``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.livy_http import HEADERS, wait_session

STUB_PYSPARK = Path(__file__).resolve().parent.parent / "support" / "stub_pyspark"

# Requests the schema cannot tell apart from good ones, since the answer depends on the gateway's
# state: a batch file must exist on the gateway host; a shared session's statement must name its kind;
# the session limit may be reached; running as another user (proxyUser, doAs) is refused while
# impersonation is off. For these a 400 or a 403 to spec-valid data is expected.
SCHEMATHESIS_TOML = """
[[operations]]
include-path-regex = "^/batches$|^/sessions$|^/sessions/\\\\{session_ref\\\\}/(statements|completion)$"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "403", "404"]
"""


@pytest.fixture(scope="module")
def stub_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    running = start_gateway(
        tmp_path_factory.mktemp("fuzz"), settings={"max_sessions": 2}, env={"PYTHONPATH": str(STUB_PYSPARK)}
    )
    try:
        yield running
    finally:
        running.stop()


def _post(url: str, body: object, params: dict[str, str] | None = None) -> requests.Response:
    return requests.post(url, json=body, params=params, headers=HEADERS, timeout=30)


BAD_SESSION_BODIES = [
    pytest.param({"name": "a\x00b"}, "name", id="nul-name"),
    pytest.param({"files": ["ok.txt", "x\x00y"]}, "files.1", id="nul-files"),
    pytest.param({"conf": {"spark.x": "a\x00"}}, "conf", id="nul-conf-value"),
    pytest.param({"conf": {"spark.\x00x": "a"}}, "conf", id="nul-conf-key"),
    pytest.param({"proxyUser": "\x00"}, "proxyUser", id="nul-proxy-user"),
    pytest.param({"name": "n" * 300}, "name", id="long-name"),
    pytest.param({"conf": {"k": "v" * 70000}}, "conf", id="long-conf-value"),
    pytest.param({"jars": ["a.jar"] * 1001}, "jars", id="too-many-jars"),
    pytest.param({"ttl": "soon"}, "ttl", id="bad-duration"),
    pytest.param({"driverCores": 0}, "driverCores", id="zero-cores"),
]


@pytest.mark.parametrize(("body", "field"), BAD_SESSION_BODIES)
def test_bad_session_input_is_a_400_naming_the_field(
    stub_gateway: RunningGateway, body: dict[str, object], field: str
) -> None:
    reply = _post(f"{stub_gateway.url}/sessions", body)
    assert reply.status_code == 400, reply.text
    assert field in reply.json()["msg"]


def test_rejected_creates_hold_no_session_slot(stub_gateway: RunningGateway) -> None:
    url = stub_gateway.url
    before = requests.get(f"{url}/sessions", timeout=10).json()["total"]
    for _ in range(5):
        assert _post(f"{url}/sessions", {"name": "x\x00", "kind": "pyspark"}).status_code == 400
        assert _post(f"{url}/sessions", {"kind": "pyspark"}, params={"doAs": "u\x00"}).status_code == 400
    listed = requests.get(f"{url}/sessions", timeout=10).json()
    assert listed["total"] == before, "a rejected create left a session behind"
    created = [_post(f"{url}/sessions", {"kind": "pyspark"}) for _ in range(2)]  # max_sessions is 2
    try:
        assert [r.status_code for r in created] == [201, 201], [r.text for r in created]
        for reply in created:
            wait_session(url, reply.json()["id"], timeout=60)
    finally:
        for reply in created:
            if reply.status_code == 201:
                requests.delete(f"{url}/sessions/{reply.json()['id']}", headers=HEADERS, timeout=30)


def test_statement_and_batch_input_with_nul_is_a_400(stub_gateway: RunningGateway) -> None:
    url = stub_gateway.url
    session = _post(f"{url}/sessions", {"kind": "pyspark"}).json()
    try:
        for body in ({"code": "1\x00"}, {"code": "1", "kind": "py\x00"}):
            reply = _post(f"{url}/sessions/{session['id']}/statements", body)
            assert reply.status_code == 400, reply.text
        reply = _post(f"{url}/sessions/{session['id']}/completion", {"code": "x\x00"})
        assert reply.status_code == 400 and "NUL" in reply.json()["msg"]
    finally:
        requests.delete(f"{url}/sessions/{session['id']}", headers=HEADERS, timeout=30)
    for body in (
        {"file": "s3a://b/x\x00.py"},
        {"file": "s3a://b/x.py", "args": ["\x00"]},
        {"file": "s3a://b/x.py", "conf": {"\x00": "1"}},
    ):
        reply = _post(f"{url}/batches", body)
        assert reply.status_code == 400 and "NUL" in reply.json()["msg"], reply.text


@pytest.mark.parametrize(
    "path",
    [
        "/sessions/%C2%B9",
        "/sessions/%D9%A3/state",
        "/batches/%C2%B9",
        "/sessions/99999999999999999999999999",
        "/sessions/%00",
    ],
)
def test_odd_ids_are_not_found_not_a_500(stub_gateway: RunningGateway, path: str) -> None:
    reply = requests.get(stub_gateway.url + path, timeout=10)
    assert reply.status_code == 404, reply.text
    assert "not found" in reply.json()["msg"]


def test_unicode_digit_statement_id_is_a_400(stub_gateway: RunningGateway) -> None:
    session = _post(f"{stub_gateway.url}/sessions", {"kind": "pyspark"}).json()
    try:
        reply = requests.get(f"{stub_gateway.url}/sessions/{session['id']}/statements/%C2%B9", timeout=10)
        assert reply.status_code == 400 and "statement_id" in reply.json()["msg"]
    finally:
        requests.delete(f"{stub_gateway.url}/sessions/{session['id']}", headers=HEADERS, timeout=30)


@pytest.mark.parametrize("query", ["from=-1", "size=-5"])
def test_negative_paging_is_a_400(stub_gateway: RunningGateway, query: str) -> None:
    for path in ("/sessions", "/batches"):
        reply = requests.get(f"{stub_gateway.url}{path}?{query}", timeout=10)
        assert reply.status_code == 400 and "zero or positive" in reply.json()["msg"]


def test_405_names_the_allowed_methods(stub_gateway: RunningGateway) -> None:
    reply = requests.patch(f"{stub_gateway.url}/sessions", timeout=10)
    assert reply.status_code == 405
    assert reply.headers["Allow"] == "GET, POST"
    assert "GET, POST" in reply.json()["msg"]


def test_the_spec_declares_livy_errors_not_422(stub_gateway: RunningGateway) -> None:
    spec = requests.get(f"{stub_gateway.url}/openapi.json", timeout=10).json()
    operations = [op for item in spec["paths"].values() for op in item.values()]
    assert operations and all("422" not in op["responses"] and "400" in op["responses"] for op in operations)
    assert "404" in spec["paths"]["/sessions/{session_ref}"]["get"]["responses"]


def test_schemathesis_finds_no_server_error_and_no_spec_mismatch(
    stub_gateway: RunningGateway, tmp_path: Path
) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_TOML)
    argv = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"{stub_gateway.url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        "20",
        "--seed",
        "13",
        "--max-failures",
        "50",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-20000:]
    assert "generated" in report  # the run really tested something
    gateway_log = stub_gateway.log_text()
    assert "internal error" not in gateway_log, gateway_log[-5000:]
