"""``aws-sigv4``: requests signed with botocore's SigV4 signer and credential chain.

There is no AWS here: the server is a loopback verifier (the ``fake_livy`` fixture) that recomputes
each request's signature with botocore from the secret key it shares with the test, as EMR
Serverless's Livy endpoint does with the real one, and answers 403 when they differ.
"""

from __future__ import annotations

import datetime
import hmac
import re
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from sparkwire.livy import (
    AuthenticationFailed,
    AwsSigV4Auth,
    CredentialsUnavailable,
    LivyClient,
    auth_from_config,
)

from .conftest import Exchange, FakeLivy

ACCESS_KEY, SECRET_KEY, SESSION_TOKEN = (
    "AKIDEXAMPLE",
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "session-tok-1",
)
_HEADER = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
    r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$"
)


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials from the environment only: no ~/.aws files, no instance metadata lookups."""
    for key in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def verify(exchange: Exchange, port: int, *, region: str, service: str) -> str | None:
    """Recompute the signature of a received request; return what is wrong, or None."""
    match = _HEADER.match(exchange.headers.get("Authorization", ""))
    if match is None:
        return "no SigV4 Authorization header"
    key_id, _date, got_region, got_service, signed, signature = match.groups()
    if (key_id, got_region, got_service) != (ACCESS_KEY, region, service):
        return f"wrong scope {key_id}/{got_region}/{got_service}"
    if exchange.headers.get("X-Amz-Security-Token") != SESSION_TOKEN:
        return "missing session token"
    names = signed.split(";")
    received = {name.lower(): value for name, value in exchange.headers.items()}
    headers = {name: received[name] for name in names if name in received}
    query = "&".join(f"{k}={v}" for k, values in exchange.query.items() for v in values)
    url = f"http://127.0.0.1:{port}{exchange.path}" + (f"?{query}" if query else "")
    request = AWSRequest(method=exchange.method, url=url, data=exchange.body, headers=headers)
    request.context["timestamp"] = received["x-amz-date"]
    signer = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN), service, region)
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    return None if hmac.compare_digest(expected, signature) else "signature mismatch"


def serve_signed(fake: FakeLivy, *, region: str = "us-east-1", service: str = "emr-serverless") -> list[str]:
    """Routes that answer only correctly signed requests; returns the list of problems seen."""
    port = int(fake.url.rsplit(":", 1)[1])
    problems: list[str] = []

    def handler(value: object, status: int) -> object:
        def handle(exchange: Exchange) -> None:
            problem = verify(exchange, port, region=region, service=service)
            if problem:
                problems.append(problem)
                exchange.reply_json(403, {"message": f"The request signature is invalid: {problem}"})
            else:
                exchange.reply_json(status, value)

        return handle

    session = {
        "id": 3,
        "name": None,
        "appId": None,
        "owner": None,
        "proxyUser": None,
        "state": "starting",
        "kind": "pyspark",
        "appInfo": {},
        "log": [],
    }
    fake.route("GET", "/sessions", handler({"from": 0, "total": 0, "sessions": []}, 200))  # type: ignore[arg-type]
    fake.route("POST", "/sessions", handler(session, 201))  # type: ignore[arg-type]
    return problems


def test_requests_carry_a_signature_the_verifier_recomputes(
    fake_livy: FakeLivy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    problems = serve_signed(fake_livy, region="eu-west-1")
    auth = auth_from_config("aws-sigv4", options={"region": "eu-west-1"})
    with LivyClient(fake_livy.url, auth=auth) as client:
        assert client.list_sessions(from_=0, size=5).total == 0  # a query string is signed too
        assert client.create_session().id == 3  # and a JSON body
    assert problems == []
    post = fake_livy.seen("POST", "/sessions")[0]
    assert "content-type" in post.headers["Authorization"] and datetime.datetime.strptime(
        post.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ"
    )


def test_a_wrong_secret_key_is_refused_by_the_verifier(
    fake_livy: FakeLivy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    problems = serve_signed(fake_livy)
    with (
        LivyClient(fake_livy.url, auth=AwsSigV4Auth(region="us-east-1")) as client,
        pytest.raises(AuthenticationFailed) as info,
    ):
        client.list_sessions()
    assert problems == ["signature mismatch"]
    assert "AWS SigV4 (emr-serverless, us-east-1)" in str(info.value) and "not-the-secret" not in str(
        info.value
    )


def test_region_and_service_come_from_the_profile_and_the_config(
    fake_livy: FakeLivy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "credentials").write_text(
        f"[analytics]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
        f"aws_session_token = {SESSION_TOKEN}\n"
    )
    (tmp_path / "config").write_text("[profile analytics]\nregion = ap-south-1\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    problems = serve_signed(fake_livy, region="ap-south-1", service="execute-api")
    auth = auth_from_config("aws-sigv4", options={"profile": "analytics", "service": "execute-api"})
    with LivyClient(fake_livy.url, auth=auth) as client:
        client.list_sessions()
    assert problems == []


def test_no_credentials_and_no_region_are_clear_errors(
    fake_livy: FakeLivy, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CredentialsUnavailable, match="No AWS credentials found"):
        LivyClient(fake_livy.url, auth=AwsSigV4Auth(region="us-east-1"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    with pytest.raises(ValueError, match="aws-sigv4 needs a region"):
        LivyClient(fake_livy.url, auth=AwsSigV4Auth())
    with pytest.raises(ValueError, match=r"unknown auth_options \['regoin'\]"):
        auth_from_config("aws-sigv4", options={"regoin": "us-east-1"})
