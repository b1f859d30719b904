"""Fault injection: a real HTTP server on loopback misbehaves the ways real Livy deployments do.

One plain handler function per fault. Each docstring says why sparkwire's own gateway cannot be
made to produce it (it answers ``{"msg"}`` with correct statuses everywhere), which is why these
tests need the fake server.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest
import requests

from sparkwire.livy import (
    AuthenticationFailed,
    BadRequest,
    BasicAuth,
    EndpointUnreachable,
    InvalidResponse,
    LivyClient,
    LivyError,
    LivyTimeout,
    NotFound,
    ServerError,
    SessionNotFound,
    SessionSpec,
    StatementNotFound,
    Timeout,
)

from .conftest import Exchange, FakeLivy

SESSION = {"id": 1, "state": "idle", "kind": "pyspark", "log": []}
STATEMENT = {"id": 0, "state": "waiting", "code": "1 + 1", "output": None, "progress": 0.0}


# Fault handlers


def plain_text_500(exchange: Exchange) -> None:
    """A 500 whose body is a Java exception as plain text.

    Real Livy answers this when a statement is posted while the session is still starting; the
    gateway answers a clear 4xx with ``{"msg"}`` instead.
    """
    exchange.reply(500, b"java.lang.IllegalStateException: Session is in state starting", "text/plain")


def unavailable_once(exchange: Exchange) -> None:
    """503 on the first request to the route, then a normal answer.

    A load balancer or Knox in front of a restarting Livy does this; the gateway has no proxy in
    front of it and never answers 503.
    """
    if exchange.hit == 1:
        exchange.reply(503, b"<html><title>503 Service Unavailable</title></html>", "text/html")
    elif exchange.method == "POST":
        exchange.reply_json(201, STATEMENT)
    else:
        exchange.reply_json(200, SESSION)


def always_unavailable(exchange: Exchange) -> None:
    """503 every time, with a Retry-After: a proxy whose backend is down. The gateway is never behind one."""
    exchange.reply(503, b"Service Unavailable", "text/plain", Retry_After="0")


def connection_reset(exchange: Exchange) -> None:
    """Read the request, then abort the TCP connection without answering.

    Happens when a proxy or the server process dies mid-request; the gateway always answers.
    """
    exchange.reset()


def malformed_json(exchange: Exchange) -> None:
    """200 with a truncated JSON body, as a proxy cutting a response short produces. The gateway's JSON is whole."""
    exchange.reply(200, b'{"id": 1, "state": "idl', "application/json")


def html_login_page(exchange: Exchange) -> None:
    """200 with an HTML page: an SSO proxy's login form in front of Livy. The gateway serves only JSON."""
    exchange.reply(
        200,
        b"<!DOCTYPE html><html><head><title>Sign in - Knox SSO</title></head><body>form</body></html>",
        "text/html",
    )


def html_error_page(exchange: Exchange) -> None:
    """500 with a Jetty-style HTML error page, as real Livy's servlet container sends. The gateway answers JSON."""
    exchange.reply(
        500,
        b"<html><head><title>Error 500 Server Error</title></head><body><h2>HTTP ERROR 500</h2>"
        b"<p>Problem accessing /sessions. Reason:<pre>    Server Error</pre></p></body></html>",
        "text/html;charset=iso-8859-1",
    )


def bare_json_string_404(exchange: Exchange) -> None:
    """404 whose body is a bare JSON string, as real Livy's statement lookup answers. The gateway answers ``{"msg"}``."""
    exchange.reply(404, b'"Statement not found"', "application/json")


def slow_reply(exchange: Exchange) -> None:
    """Answer only after half a second: an overloaded server. The gateway's REST calls answer at once."""
    if not exchange.stop.wait(0.5):
        exchange.reply_json(200, SESSION)


def unauthorized(exchange: Exchange) -> None:
    """401 for any credentials: a server configured for another user or auth type.

    The gateway's auth can reject too, but not as a reply to the exact credentials a test chooses
    without configuring it; this handler also records what arrived.
    """
    exchange.reply_json(
        401, {"msg": "Authentication failed for user alice"}, WWW_Authenticate='Basic realm="livy"'
    )


def wrong_shape(exchange: Exchange) -> None:
    """200 with JSON that is not a Session: some other service on Livy's port. The gateway's shapes are right."""
    exchange.reply_json(200, {"status": "UP"})


def unknown_field_400(exchange: Exchange) -> None:
    """400 for a field an old Livy does not know (``ttl`` before 0.8). The gateway knows every field."""
    exchange.reply_json(
        400,
        {
            "msg": 'Unrecognized field "ttl" (class org.apache.livy.server.interactive.CreateInteractiveRequest)'
        },
    )


def redirect_to_login(exchange: Exchange) -> None:
    """302 to a login page on POST: an SSO proxy. The gateway never redirects."""
    exchange.reply(302, b"", "text/html", Location="https://sso.example/login")


# Tests


def test_plain_text_500_is_a_server_error_quoting_the_text(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("POST", "/sessions/1/statements", plain_text_500)
    with pytest.raises(ServerError) as caught:
        client.submit_statement(1, "1 + 1")
    error = caught.value
    assert error.status == 500 and error.session_id == 1
    assert "Session is in state starting" in str(error)
    assert error.server_message == "java.lang.IllegalStateException: Session is in state starting"
    assert error.url == f"{fake_livy.url}/sessions/1/statements"
    assert len(fake_livy.seen("POST", "/sessions/1/statements")) == 1


def test_503_then_200_is_retried_for_get(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("GET", "/sessions/1", unavailable_once)
    assert client.get_session(1).id == 1
    assert len(fake_livy.seen("GET", "/sessions/1")) == 2


def test_503_is_not_retried_for_statement_submit(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("POST", "/sessions/1/statements", unavailable_once)
    with pytest.raises(ServerError) as caught:
        client.submit_statement(1, "1 + 1")
    assert caught.value.status == 503
    assert "503 Service Unavailable" in str(caught.value)
    assert len(fake_livy.seen("POST", "/sessions/1/statements")) == 1


def test_503_is_not_retried_for_session_create(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("POST", "/sessions", unavailable_once)
    with pytest.raises(ServerError):
        client.create_session(SessionSpec(kind="pyspark"))
    assert len(fake_livy.seen("POST", "/sessions")) == 1


def test_503_is_retried_for_idempotent_post_cancel(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("POST", "/sessions/1/statements/0/cancel", unavailable_once)
    client.cancel_statement(1, 0)
    assert len(fake_livy.seen("POST", "/sessions/1/statements/0/cancel")) == 2


def test_retries_give_up_and_say_so(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("GET", "/sessions", always_unavailable)
    with pytest.raises(ServerError, match="tried 3 times") as caught:
        client.list_sessions()
    assert "Try again later" in str(caught.value)
    assert len(fake_livy.seen("GET", "/sessions")) == 3  # FAST_RETRIES: 1 + 2 repeats


def test_connection_reset_on_submit_is_not_retried(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("POST", "/sessions/1/statements", connection_reset)
    with pytest.raises(EndpointUnreachable) as caught:
        client.submit_statement(1, "1 + 1")
    error = caught.value
    assert error.request_may_have_reached_server
    assert "may have reached the server" in str(error)
    assert isinstance(error.__cause__, requests.ConnectionError)
    assert len(fake_livy.seen("POST", "/sessions/1/statements")) == 1


def test_connection_reset_on_get_is_retried(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("GET", "/sessions/1", connection_reset)
    with pytest.raises(EndpointUnreachable, match="Is the server running"):
        client.get_session(1)
    assert len(fake_livy.seen("GET", "/sessions/1")) == 3


def test_malformed_json_is_an_invalid_response_with_an_excerpt(
    fake_livy: FakeLivy, client: LivyClient
) -> None:
    fake_livy.route("GET", "/sessions/1", malformed_json)
    with pytest.raises(InvalidResponse) as caught:
        client.get_session(1)
    assert "not valid JSON" in str(caught.value)
    assert '{"id": 1, "state": "idl' in caught.value.excerpt
    assert caught.value.session_id == 1


def test_html_page_instead_of_json_points_at_the_url(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("GET", "/version", html_login_page)
    with pytest.raises(InvalidResponse, match="HTML page") as caught:
        client.version()
    assert "Sign in - Knox SSO" in str(caught.value)


def test_html_error_page_gives_its_title(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("GET", "/sessions", html_error_page)
    with pytest.raises(ServerError) as caught:
        client.list_sessions()
    assert caught.value.server_message == "Error 500 Server Error"
    assert "<html>" not in str(caught.value)


def test_bare_json_string_404_on_a_statement(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("GET", "/sessions/1/statements/9", bare_json_string_404)
    with pytest.raises(StatementNotFound) as caught:
        client.get_statement(1, 9)
    assert caught.value.server_message == "Statement not found"
    assert caught.value.session_id == 1 and caught.value.statement_id == 9


def test_404_on_a_session_path_is_session_not_found(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.reply("GET", "/sessions/5", {"msg": "Session '5' not found."}, status=404)
    with pytest.raises(SessionNotFound, match="Session '5' not found") as caught:
        client.get_session(5)
    assert caught.value.session_id == 5
    client.delete_session(5, missing_ok=True)  # unknown route: 404 too


def test_404_elsewhere_suggests_checking_the_url(client: LivyClient) -> None:
    with pytest.raises(NotFound, match="base URL") as caught:
        client.version()
    assert not isinstance(caught.value, SessionNotFound)


def test_slow_reply_beyond_read_timeout_is_livy_timeout(
    fake_livy: FakeLivy, make_client: Callable[..., LivyClient]
) -> None:
    fake_livy.route("GET", "/sessions/1", slow_reply)
    client = make_client(timeout=Timeout(connect=1.0, read=0.1))
    with pytest.raises(LivyTimeout, match="0.1 s") as caught:
        client.get_session(1)
    assert caught.value.session_id == 1
    assert len(fake_livy.seen("GET", "/sessions/1")) == 1  # a read timeout is not repeated


def test_per_call_timeout_overrides_the_client_default(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("GET", "/sessions/1", slow_reply)
    with pytest.raises(LivyTimeout):
        client.get_session(1, timeout=0.1)


def test_401_is_authentication_failed_without_the_password(
    fake_livy: FakeLivy, make_client: Callable[..., LivyClient]
) -> None:
    fake_livy.route("GET", "/sessions", unauthorized)
    client = make_client(auth=BasicAuth("alice", "hunter2-secret"))
    with pytest.raises(AuthenticationFailed) as caught:
        client.list_sessions()
    error = caught.value
    assert error.status == 401
    assert "check the credentials" in str(error)
    assert "basic auth as 'alice'" in str(error)
    for text in (str(error), repr(error), repr(error.__dict__), error.url or ""):
        assert "hunter2-secret" not in text
    assert fake_livy.seen("GET", "/sessions")[0].headers["Authorization"].startswith("Basic ")


def test_credentials_in_the_url_never_reach_messages(
    fake_livy: FakeLivy, make_client: Callable[..., LivyClient]
) -> None:
    fake_livy.route("GET", "/sessions", unauthorized)
    client = make_client(url=fake_livy.url.replace("http://", "http://alice:hunter2-secret@"))
    with pytest.raises(AuthenticationFailed) as caught:
        client.list_sessions()
    assert "hunter2-secret" not in str(caught.value) and "hunter2-secret" not in (caught.value.url or "")


def test_connection_refused_is_endpoint_unreachable(
    make_client: Callable[..., LivyClient], unused_port: int
) -> None:
    client = make_client(url=f"http://127.0.0.1:{unused_port}")
    with pytest.raises(EndpointUnreachable) as caught:
        client.get_session(3)
    error = caught.value
    assert f"127.0.0.1:{unused_port}" in str(error)
    assert "refused" in str(error) and "Is the server running? Check the URL" in str(error)
    assert not error.request_may_have_reached_server
    assert error.session_id == 3


def test_connection_refused_is_retried_even_for_submit(
    make_client: Callable[..., LivyClient], unused_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing was sent, so repeating cannot run the code twice.
    sent: list[str] = []
    original = requests.Session.request

    def counting(self: requests.Session, method: str, url: str, **kwargs: object) -> requests.Response:
        sent.append(method)
        return original(self, method, url, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(requests.Session, "request", counting)
    client = make_client(url=f"http://127.0.0.1:{unused_port}")
    with pytest.raises(EndpointUnreachable):
        client.submit_statement(1, "1 + 1")
    assert sent == ["POST", "POST", "POST"]


def test_unexpected_json_shape_is_an_invalid_response(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("GET", "/sessions/1", wrong_shape)
    with pytest.raises(InvalidResponse, match="missing key 'id'") as caught:
        client.get_session(1)
    assert '"status": "UP"' in caught.value.excerpt


def test_unknown_field_400_suggests_checking_the_server_version(
    fake_livy: FakeLivy, client: LivyClient
) -> None:
    fake_livy.route("POST", "/sessions", unknown_field_400)
    with pytest.raises(BadRequest, match="unsupported_fields") as caught:
        client.create_session(SessionSpec(ttl="1h"))
    assert 'Unrecognized field "ttl"' in caught.value.server_message


def test_redirect_on_post_is_reported_not_followed(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("POST", "/sessions", redirect_to_login)
    with pytest.raises(InvalidResponse, match="sso.example/login"):
        client.create_session()
    assert len(fake_livy.requests) == 1


def test_x_requested_by_is_always_sent_and_bodyless_post_sends_empty_object(
    fake_livy: FakeLivy, client: LivyClient
) -> None:
    fake_livy.reply("POST", "/sessions/1/statements/0/cancel", {"msg": "canceled"})
    fake_livy.reply("GET", "/sessions/1", SESSION)
    fake_livy.reply("DELETE", "/sessions/1", {"msg": "deleted"})
    fake_livy.reply("POST", "/sessions", SESSION)
    client.cancel_statement(1, 0)
    client.get_session(1)
    client.delete_session(1)
    client.create_session()
    assert [r.method for r in fake_livy.requests] == ["POST", "GET", "DELETE", "POST"]
    for request in fake_livy.requests:
        assert request.headers["X-Requested-By"] == "sparkwire"
        assert request.headers["Content-Type"] == "application/json"
    cancel, _, delete, create = fake_livy.requests
    assert cancel.body == b"{}" and create.body == b"{}"
    assert delete.body == b""


def test_errors_pickle_with_their_context(fake_livy: FakeLivy, client: LivyClient) -> None:
    fake_livy.route("POST", "/sessions/1/statements", plain_text_500)
    with pytest.raises(ServerError) as caught:
        client.submit_statement(1, "1 + 1")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(copy, ServerError) and isinstance(copy, LivyError)
    assert (copy.status, copy.session_id, copy.url, str(copy)) == (
        500,
        1,
        caught.value.url,
        str(caught.value),
    )
