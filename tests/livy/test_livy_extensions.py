"""The client uses sparkwire's extensions (``statement-wait``, ``arrow-results``) only where ``/version``
lists them: against Apache Livy it sends exactly Livy's requests.

A scripted server stands in for both: no Apache Livy runs here, and the point is what the client
sends, which the scripted server records. The real gateway's side is covered in
tests/gateway/test_extensions.py.
"""

from __future__ import annotations

from sparkwire.livy import LivyClient, StatementState, run_statement, wait_for_statement

from .conftest import FakeLivy

LIVY_VERSION = {
    "version": "0.8.0-incubating",
    "user": "livy",
    "revision": "abc",
    "branch": "master",
    "date": "2023-01-01",
    "url": "https://github.com/apache/incubator-livy",
}
OK_OUTPUT = {"status": "ok", "execution_count": 0, "data": {"text/plain": "2"}}


def _statement(state: str, output: dict[str, object] | None = None) -> dict[str, object]:
    return {"id": 0, "code": "1 + 1", "state": state, "progress": 0.0, "output": output}


def _script_statement(fake_livy: FakeLivy) -> None:
    fake_livy.reply("POST", "/sessions/1/statements", _statement("waiting"), status=201)
    fake_livy.sequence(
        "GET",
        "/sessions/1/statements/0",
        [_statement("running"), _statement("running"), _statement("available", OK_OUTPUT)],
    )


def test_against_livy_no_extension_is_used(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("GET", "/version", LIVY_VERSION)
    _script_statement(fake_livy)
    client.submit_statement(1, "1 + 1", wait=0.2)
    done = wait_for_statement(client, 1, 0)
    assert done.state is StatementState.AVAILABLE
    sent = fake_livy.seen("POST", "/sessions/1/statements") + fake_livy.seen(
        "GET", "/sessions/1/statements/0"
    )
    assert len(sent) == 4 and all(not request.query for request in sent)
    assert client.extensions() == frozenset()
    assert len(fake_livy.seen("GET", "/version")) == 1  # asked once, remembered


def test_a_server_without_version_is_asked_once(fake_livy: FakeLivy, client: LivyClient) -> None:
    _script_statement(fake_livy)  # /version is not scripted: the server answers 404
    run_statement(client, 1, "1 + 1")
    run_statement(client, 1, "1 + 1")
    assert len(fake_livy.seen("GET", "/version")) == 1
    assert all(not request.query for request in fake_livy.seen("GET", "/sessions/1/statements/0"))


def test_with_statement_wait_the_server_waits_and_the_client_does_not_sleep(
    fake_livy: FakeLivy, client: LivyClient
) -> None:
    fake_livy.reply("GET", "/version", {**LIVY_VERSION, "extensions": ["statement-wait", "arrow-results"]})
    _script_statement(fake_livy)
    output = run_statement(client, 1, "1 + 1")
    assert output.text == "2"
    gets = fake_livy.seen("GET", "/sessions/1/statements/0")
    assert len(gets) == 3 and all(request.query == {"wait": ["0.500"]} for request in gets)
    posted = client.submit_statement(1, "1 + 1", wait=0.2)
    assert posted.state is StatementState.WAITING
    assert fake_livy.seen("POST", "/sessions/1/statements")[-1].query == {"wait": ["0.200"]}


def test_a_result_file_arrives_as_bytes(fake_livy: FakeLivy, client: LivyClient) -> None:
    token = "0123456789abcdef0123456789abcdef"
    fake_livy.route(
        "GET",
        f"/sessions/1/results/{token}",
        lambda exchange: exchange.reply(200, b"\xff\xff\xff\xffARROW", "application/vnd.apache.arrow.stream"),
    )
    assert client.get_result(1, token) == b"\xff\xff\xff\xffARROW"
