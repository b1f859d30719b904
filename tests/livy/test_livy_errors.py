"""Error bodies of every shape become one readable line; the error tree is what the docstring draws."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from sparkwire.livy import (
    AuthenticationFailed,
    BadRequest,
    BatchNotFound,
    EndpointUnreachable,
    HTTPStatusError,
    InvalidResponse,
    KerberosAuth,
    LivyClient,
    LivyError,
    LivyTimeout,
    MissingDependency,
    NotFound,
    ServerError,
    SessionDead,
    SessionNotFound,
    StatementCancelled,
    StatementFailed,
    StatementNotFound,
)
from sparkwire.livy._responses import describe_error_body, excerpt


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b'{"msg": "Session \'3\' not found."}', "application/json", "Session '3' not found."),
        (b'"Statement not found"', "application/json", "Statement not found"),
        (b'{"detail": "Not authenticated"}', "application/json", "Not authenticated"),
        (b'{"code": 7}', "application/json", '{"code": 7}'),
        (
            b"<html><head><title>Error 403 Forbidden</title></head><body>x</body></html>",
            "text/html",
            "Error 403 Forbidden",
        ),
        (b"<html><body><h1>Bad &amp; Gateway</h1></body></html>", "text/html", "Bad & Gateway"),
        (b"upstream connect error", "text/plain", "upstream connect error"),
        (b"{not json", "application/json", "{not json"),
        (b"", "", ""),
    ],
)
def test_describe_error_body(body: bytes, content_type: str, expected: str) -> None:
    assert describe_error_body(body, content_type) == expected


def test_excerpt_collapses_whitespace_and_marks_the_cut() -> None:
    assert excerpt("a\n  b\tc") == "a b c"
    assert excerpt("x" * 500, 10) == "x" * 9 + "…"


def test_error_tree() -> None:
    for leaf in (AuthenticationFailed, BadRequest, NotFound, ServerError):
        assert issubclass(leaf, HTTPStatusError)
    for leaf in (SessionNotFound, StatementNotFound, BatchNotFound):
        assert issubclass(leaf, NotFound)
    for leaf in (
        EndpointUnreachable, LivyTimeout, HTTPStatusError, InvalidResponse, SessionDead, StatementFailed,
        StatementCancelled, MissingDependency,
    ):  # fmt: skip
        assert issubclass(leaf, LivyError) and leaf.__bases__ == (LivyError,)


def test_every_error_carries_url_and_session_id() -> None:
    error = SessionNotFound("gone", url="http://livy/sessions/4", session_id=4, status=404)
    assert (error.url, error.session_id, error.status, str(error)) == (
        "http://livy/sessions/4",
        4,
        404,
        "gone",
    )
    assert MissingDependency("m").url is None


def test_kerberos_uses_requests_kerberos_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[dict[str, Any]] = []

    class FakeKerberosAuth:
        def __init__(self, **kwargs: Any) -> None:
            created.append(kwargs)

        def __call__(self, request: Any) -> Any:
            return request

    fake = types.ModuleType("requests_kerberos")
    fake.REQUIRED, fake.OPTIONAL, fake.DISABLED = 1, 2, 3  # type: ignore[attr-defined]
    fake.HTTPKerberosAuth = FakeKerberosAuth  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "requests_kerberos", fake)
    LivyClient("http://livy:8998", auth=KerberosAuth(hostname_override="livy.internal")).close()
    assert created == [
        {
            "mutual_authentication": 2,
            "service": "HTTP",
            "hostname_override": "livy.internal",
            "principal": None,
            "delegate": False,
        }
    ]
    with pytest.raises(ValueError, match="mutual_authentication"):
        KerberosAuth(mutual_authentication="always")
