"""Cloud sign-in: AWS Signature V4 (EMR Serverless's Livy endpoint) and Google credentials (Dataproc).

Both import their cloud library only when a client is built, so ``sparkwire.livy`` stays light; the
extras ``sparkwire[aws]`` (botocore) and ``sparkwire[google]`` (google-auth) install them.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Final, Literal

import requests
import requests.auth

from ._auth import Auth
from ._errors import CredentialsUnavailable, MissingDependency

__all__ = ["AwsSigV4Auth", "GoogleAuth"]

_CLOUD_PLATFORM: Final = "https://www.googleapis.com/auth/cloud-platform"
# Signed besides host and x-amz-*: proxies may add or rewrite the others (Connection, Accept-Encoding).
_SIGNED_HEADERS: Final = ("Content-Type", "X-Requested-By")


def _import(module: str, extra: str, what: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        install = f"pip install 'sparkwire[{extra}]'"
        raise MissingDependency(
            f"{what} needs the {module.split('.')[0]} package, which is not installed. Install it with: {install}",
            package=module.split(".")[0],
            install=install,
        ) from exc


@dataclass(frozen=True)
class AwsSigV4Auth(Auth):
    """AWS Signature Version 4 on every request, with botocore's credential chain (environment,
    ``~/.aws`` profiles, SSO, instance and container roles), as EMR Serverless's Livy endpoint requires.

    :param region: the AWS region, e.g. ``us-east-1``; by default the profile's or ``$AWS_REGION``.
    :param service: the signing name of the service (``emr-serverless`` for EMR Serverless).
    :param profile: the ``~/.aws`` profile; by default ``$AWS_PROFILE`` or the default one.
    """

    region: str | None = None
    service: str = "emr-serverless"
    profile: str | None = None

    def requests_auth(self) -> requests.auth.AuthBase:
        """Find the credentials and the region.

        :return: an auth object signing each request.
        :raises MissingDependency: if botocore is not installed.
        :raises CredentialsUnavailable: if no AWS credentials are found.
        :raises ValueError: if no region is configured.
        """
        session_module = _import("botocore.session", "aws", "aws-sigv4 authentication")
        try:
            session = session_module.Session(profile=self.profile)
            credentials = session.get_credentials()
            region = self.region or session.get_config_variable("region")
        except Exception as exc:  # noqa: BLE001 - botocore raises many kinds here (profile not found, bad config)
            raise CredentialsUnavailable(f"AWS credentials could not be loaded: {exc}") from None
        if credentials is None:
            raise CredentialsUnavailable(
                "No AWS credentials found for aws-sigv4: sign in (aws sso login, aws configure) or set "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile in the endpoint's auth_options."
            )
        if not region:
            raise ValueError(
                'aws-sigv4 needs a region: set "region" in the endpoint\'s auth_options, or AWS_REGION'
            )
        return _SigV4Signer(credentials, self.service, str(region))

    def describe(self) -> str:
        """:return: e.g. ``"AWS SigV4 (emr-serverless, us-east-1)"``."""
        return f"AWS SigV4 ({self.service}, {self.region or 'default region'})"


class _SigV4Signer(requests.auth.AuthBase):
    """Signs a prepared request with botocore's SigV4 signer (refreshable credentials are re-read each time)."""

    def __init__(self, credentials: Any, service: str, region: str) -> None:
        self._credentials = credentials
        self._service = service
        self._region = region
        self._auth = importlib.import_module("botocore.auth")
        self._awsrequest = importlib.import_module("botocore.awsrequest")

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        headers = {name: request.headers[name] for name in _SIGNED_HEADERS if name in request.headers}
        aws_request = self._awsrequest.AWSRequest(
            method=request.method, url=request.url, data=request.body or b"", headers=headers
        )
        try:
            frozen = self._credentials.get_frozen_credentials()
        except Exception as exc:  # noqa: BLE001 - botocore's refresh errors (expired SSO session, no role)
            raise CredentialsUnavailable(
                f"AWS credentials could not be refreshed: {exc}. Sign in again (e.g. aws sso login)."
            ) from None
        self._auth.SigV4Auth(frozen, self._service, self._region).add_auth(aws_request)
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if name in aws_request.headers:
                request.headers[name] = aws_request.headers[name]
        return request


TokenType = Literal["access", "id"]


@dataclass(frozen=True)
class GoogleAuth(Auth):
    """A Google OAuth access token or ID token from google-auth's application default credentials
    (``gcloud auth application-default login``, ``$GOOGLE_APPLICATION_CREDENTIALS``, the metadata server).

    :param token_type: ``"access"`` (Dataproc's Livy through the Component Gateway) or ``"id"`` (a service
        behind IAP or Cloud Run, which wants an ID token for ``audience``).
    :param audience: the ID token's audience (usually the service URL or OAuth client id); needed for ``"id"``.
    :param scopes: the access token's scopes.
    :param credentials: ready-made google-auth credentials to use instead of the default ones.
    """

    token_type: TokenType = "access"
    audience: str | None = None
    scopes: tuple[str, ...] = (_CLOUD_PLATFORM,)
    credentials: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.token_type not in ("access", "id"):
            raise ValueError(f"google token_type must be 'access' or 'id', not {self.token_type!r}")
        if self.token_type == "id" and not self.audience:
            raise ValueError(
                "google token_type 'id' needs an \"audience\" (the URL or client id the token is for)"
            )

    def requests_auth(self) -> requests.auth.AuthBase:
        """Find the credentials (no token is fetched yet).

        :return: an auth object adding a fresh token to each request.
        :raises MissingDependency: if google-auth is not installed.
        :raises CredentialsUnavailable: if no default credentials are found.
        """
        transport = _import("google.auth.transport.requests", "google", "google authentication")
        if self.credentials is not None:
            return _GoogleBearer(self.credentials, transport.Request())
        auth = importlib.import_module("google.auth")
        try:
            if self.token_type == "id":
                id_token = importlib.import_module("google.oauth2.id_token")
                credentials = id_token.fetch_id_token_credentials(self.audience, request=transport.Request())
            else:
                credentials, _project = auth.default(scopes=list(self.scopes))
        except auth.exceptions.GoogleAuthError as exc:
            raise CredentialsUnavailable(
                f"No Google credentials: {exc} Sign in with 'gcloud auth application-default login', or set "
                "GOOGLE_APPLICATION_CREDENTIALS to a key file."
            ) from None
        return _GoogleBearer(credentials, transport.Request())

    def describe(self) -> str:
        """:return: ``"Google access token"`` or ``"Google ID token for <audience>"``."""
        return (
            "Google access token" if self.token_type == "access" else f"Google ID token for {self.audience!r}"
        )


class _GoogleBearer(requests.auth.AuthBase):
    """Refreshes the credentials when they expire and sets ``Authorization: Bearer``."""

    def __init__(self, credentials: Any, request: Any) -> None:
        self._credentials = credentials
        self._request = request
        self._lock = threading.Lock()

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        with self._lock:
            if not self._credentials.valid:
                try:
                    self._credentials.refresh(self._request)
                except Exception as exc:  # noqa: BLE001 - google-auth's RefreshError, or its transport's errors
                    raise CredentialsUnavailable(
                        f"Google credentials could not be refreshed: {exc}"
                    ) from None
            headers: dict[str, str] = {}
            self._credentials.apply(headers)
        for name, value in headers.items():
            # google-auth writes "authorization"; keep the usual spelling on the wire.
            request.headers["Authorization" if name.lower() == "authorization" else name] = value
        return request


def scopes_of(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """:param value: a scope, a list of them, or ``None``. :return: the scopes (cloud-platform by default)."""
    if value is None:
        return (_CLOUD_PLATFORM,)
    return (value,) if isinstance(value, str) else tuple(value)
