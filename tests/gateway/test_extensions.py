"""sparkwire's additions to Livy's API, over raw HTTP: ``?wait=`` on statements, and result files.

Both are listed in ``/version``'s ``extensions``; a client that never uses them sees Livy's API unchanged.
"""

from __future__ import annotations

import json
import uuid

import pyarrow as pa
import pytest
import requests

from sparkwire.engine.sql.query import SqlQuery, parse_response, remote_call
from tests.support.livy_http import HEADERS, run, submit, wait_statement

pytestmark = pytest.mark.timeout(240)


def test_version_lists_the_extensions(gateway_url: str) -> None:
    version = requests.get(f"{gateway_url}/version", timeout=10).json()
    assert {"statement-wait", "arrow-results"} <= set(version["extensions"])


def test_a_waiting_get_answers_once_the_statement_is_done(gateway_url: str, pyspark_session: int) -> None:
    statement = submit(gateway_url, pyspark_session, "import time\ntime.sleep(1)\n'slept'")
    url = f"{gateway_url}/sessions/{pyspark_session}/statements/{statement['id']}"
    done = requests.get(url, params={"wait": 30}, timeout=60).json()  # one request, no polling
    assert done["state"] == "available"
    assert done["output"]["data"]["text/plain"] == "'slept'"


def test_a_waiting_get_gives_up_after_its_wait(gateway_url: str, pyspark_session: int) -> None:
    statement = submit(gateway_url, pyspark_session, "import time\ntime.sleep(3)")
    url = f"{gateway_url}/sessions/{pyspark_session}/statements/{statement['id']}"
    early = requests.get(url, params={"wait": 0.05}, timeout=60).json()
    assert early["state"] in ("waiting", "running") and early["output"] is None
    assert wait_statement(gateway_url, pyspark_session, statement["id"])["state"] == "available"


def test_a_waiting_post_returns_the_finished_statement(gateway_url: str, pyspark_session: int) -> None:
    reply = requests.post(
        f"{gateway_url}/sessions/{pyspark_session}/statements",
        params={"wait": 30},
        json={"code": "20 + 22"},
        headers=HEADERS,
        timeout=60,
    )
    assert reply.status_code == 201
    statement = reply.json()
    assert reply.headers["Location"] == f"/sessions/{pyspark_session}/statements/{statement['id']}"
    assert statement["state"] == "available"
    assert statement["output"]["data"] == {"text/plain": "42"}


def test_a_waiting_post_streams_a_spilled_output(gateway_url: str, pyspark_session: int) -> None:
    reply = requests.post(
        f"{gateway_url}/sessions/{pyspark_session}/statements",
        params={"wait": 30},
        json={"code": "print('x' * 3_000_000)"},
        headers=HEADERS,
        timeout=60,
    )
    assert reply.status_code == 201 and reply.headers["Location"].endswith(
        f"/statements/{reply.json()['id']}"
    )
    assert reply.json()["output"]["data"]["text/plain"] == "x" * 3_000_000


@pytest.mark.parametrize("wait", ["-1", "nan", "31", "soon"])
def test_a_bad_wait_is_a_clear_400(gateway_url: str, pyspark_session: int, wait: str) -> None:
    reply = requests.get(
        f"{gateway_url}/sessions/{pyspark_session}/statements/0", params={"wait": wait}, timeout=10
    )
    assert reply.status_code == 400, reply.text
    assert "wait" in reply.json()["msg"]


def _fetch_statement(url: str, session_id: int, *, result_file: bool) -> tuple[dict[str, object], str]:
    token = uuid.uuid4().hex
    request = SqlQuery.from_sql(
        "SELECT id, concat('r', id) AS s FROM range(50000)", max_rows=-1
    ).fetch_request(token=token, encoding="arrow", compression=None, chunk_bytes=8 << 20, take_threshold=1)
    if result_file:
        request["result_file"] = True
    statement = run(url, session_id, remote_call(request))
    assert statement["output"]["status"] == "ok", statement["output"]
    return parse_response(statement["output"]["data"]["text/plain"])


def test_a_result_file_is_served_once_as_arrow(gateway_url: str, pyspark_session: int) -> None:
    header, data = _fetch_statement(gateway_url, pyspark_session, result_file=True)
    assert header["file"] is True and data == ""
    url = f"{gateway_url}/sessions/{pyspark_session}/results/{header['token']}"
    reply = requests.get(url, timeout=60)
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "application/vnd.apache.arrow.stream"
    assert len(reply.content) == header["nbytes"]
    table = pa.ipc.open_stream(reply.content).read_all()
    assert table.num_rows == 50000 and table.column("s")[49999].as_py() == "r49999"
    again = requests.get(url, timeout=60)
    assert again.status_code == 404 and "Run the query again" in again.json()["msg"]


def test_without_asking_the_result_stays_inline_as_on_livy(gateway_url: str, pyspark_session: int) -> None:
    header, data = _fetch_statement(gateway_url, pyspark_session, result_file=False)
    assert "file" not in header and data  # base64 in the statement's text, for any Livy client
    assert header["chunk_len"] == header["nbytes"]


@pytest.mark.parametrize("token", ["0" * 32, "../../etc/passwd", "A" * 32])
def test_unknown_or_malformed_result_tokens_are_404(
    gateway_url: str, pyspark_session: int, token: str
) -> None:
    reply = requests.get(f"{gateway_url}/sessions/{pyspark_session}/results/{token}", timeout=10)
    assert reply.status_code == 404
    assert json.loads(reply.text)["msg"]
