"""The thin JSON transport under :class:`~sparkwire.livy.LivyClient`: URL, send, retry, status check, decode.

The HTTP layer is a ``requests.Session``; pass your own (with mounted adapters, proxies, client
certificates) to swap it, and the transport leaves it open on close. This module is the one place
where requests' and urllib3's exceptions become :class:`~sparkwire.livy.LivyError` (``raise … from``);
see ``_retries`` for which requests are repeated and why.
"""

from __future__ import annotations

import http.client
import json as jsonlib
import logging
import os
import time
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

import requests
import requests.auth
import urllib3.exceptions

from ._auth import Auth, BasicAuth, NoAuth
from ._errors import EndpointUnreachable, InvalidResponse, LivyError, LivyTimeout
from ._responses import JsonResponse, decode_json, error_for_status
from ._retries import DEFAULT_RETRIES, RETRYABLE_STATUSES, RetryPolicy
from ._timeouts import DEFAULT_TIMEOUT, USE_CLIENT_DEFAULT, Timeout, TimeoutTypes, UseClientDefault
from ._urls import PathContext, path_context, split_credentials

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self needs Python 3.11

__all__ = ["JsonResponse", "JsonTransport", "Params"]

logger = logging.getLogger("sparkwire.livy")

Params = Mapping[str, str | int | float]

_DEFAULT_HEADERS: Final = {
    # Livy's CSRF filter rejects POST/DELETE without it (livy.server.csrf-protection.enabled).
    "X-Requested-By": "sparkwire",
    "Content-Type": "application/json",
    "Accept": "application/json",
}
_BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps: requests → urllib3 ``MaxRetryError.reason`` → ``OSError``."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        reason = getattr(current, "reason", None)
        wrapped = [reason, current.__cause__, current.__context__, *current.args]
        todo.extend(item for item in wrapped if isinstance(item, BaseException))


def _seconds(value: float | None) -> str:
    return "the system's limit" if value is None else f"{value:g} s"


def _mentions_client_certificate(exc: BaseException) -> bool:
    # TLS 1.3 servers refuse a missing certificate after the handshake: an alert, or just a closed socket.
    text = " ".join(str(cause) for cause in _causes(exc)).lower()
    return any(words in text for words in ("certificate required", "handshake failure", "eof occurred"))


def _has(exc: BaseException, kind: type[BaseException] | tuple[type[BaseException], ...]) -> bool:
    return any(isinstance(cause, kind) for cause in _causes(exc))


def _read_environment(
    session: requests.Session, url: str, verify: bool | str
) -> tuple[dict[str, str], bool | str, tuple[str, str] | None]:
    """Read what requests takes from the environment (proxies with ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``
    or ``CURL_CA_BUNDLE``, ``~/.netrc``) once, and stop ``session`` reading it again on every request.

    Every request goes to the one host of ``url``, so the answers do not change from one request to the
    next, and re-reading them cost ~0.3 ms per request (a fair part of a trivial cell). The environment
    is read when the transport is made: a proxy set later is not used.

    :return: the proxies, the ``verify`` value to send, and the ``.netrc`` credentials for the host.
    """
    proxies = requests.utils.get_environ_proxies(url)  # {} where NO_PROXY covers the host
    if verify is True:
        verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False
    return dict(proxies), verify, requests.utils.get_netrc_auth(url)


class JsonTransport:
    """Sends JSON requests to one Livy server and decodes its answers.

    :param base_url: the server's base URL, e.g. ``http://localhost:8998`` or a proxy path. A
        ``user:password@`` in it is removed from the URL and used for basic auth if ``auth`` is None.
    :param auth: the authentication; ``None`` for none (or the URL's credentials).
    :param headers: extra headers for every request (they may override the defaults' values).
    :param verify: TLS verification: ``True``, ``False`` (insecure), or the path of a CA bundle.
    :param cert: a client certificate for mutual TLS: the path of a PEM file holding certificate and
        key, or ``(certificate, key)`` paths.
    :param timeout: the default per-request timeout: a :class:`Timeout`, seconds, or ``None`` (none).
    :param session: a ``requests.Session`` to send with; the transport creates (and closes) its own if None.
    :param retries: how safe-to-repeat requests are repeated.
    :raises ValueError: for a URL that is not http(s), or a CA bundle or certificate path that does not exist.
    :raises MissingDependency: if the authentication needs a package that is not installed.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: Auth | None = None,
        headers: Mapping[str, str] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        retries: RetryPolicy = DEFAULT_RETRIES,
    ) -> None:
        url, username, password = split_credentials(base_url)
        for path in (cert,) if isinstance(cert, str) else cert or ():
            if not os.path.isfile(path):
                raise ValueError(
                    f"client certificate file {path!r} does not exist: check client_cert and client_key"
                )
        if auth is None:
            auth = BasicAuth(username, password or "") if username is not None else NoAuth()
        if isinstance(verify, str) and not os.path.exists(verify):
            raise ValueError(
                f"verify={verify!r}: no CA bundle at this path; give an existing file, True or False"
            )
        self._base_url = url
        self._auth = auth
        self._requests_auth = auth.requests_auth()
        self._headers = {**_DEFAULT_HEADERS, **(headers or {})}
        self._verify = verify
        self._cert = cert
        self._timeout = Timeout.of(timeout)
        self._retries = retries
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self._proxies: dict[str, str] | None = None
        if self._owns_session:
            self._proxies, self._verify, netrc = _read_environment(self._session, url, verify)
            if netrc is not None and self._requests_auth is None:
                self._requests_auth = requests.auth.HTTPBasicAuth(*netrc)

    @property
    def base_url(self) -> str:
        """The base URL, without credentials."""
        return self._base_url

    @property
    def auth(self) -> Auth:
        """The authentication configuration."""
        return self._auth

    @property
    def timeout(self) -> Timeout:
        """The default per-request timeout."""
        return self._timeout

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Params | None = None,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        idempotent: bool,
        raw: bool = False,
    ) -> JsonResponse:
        """Send one request (repeating it only when that is safe) and decode the JSON answer.

        :param method: ``GET``, ``POST``, ``DELETE``...
        :param path: the path below the base URL, starting with ``/``.
        :param json: the JSON body; a POST without one sends ``{}`` (Livy rejects an empty body).
        :param params: query parameters.
        :param timeout: this request's timeout; by default the transport's.
        :param idempotent: whether sending the request twice is harmless (see ``_retries``).
        :param raw: keep a successful answer's body as bytes (``body``), undecoded.
        :return: the decoded answer (2xx only).
        :raises LivyError: a subclass saying what went wrong: unreachable, timeout, status, invalid body.
        """
        method = method.upper()
        url = self._base_url + path
        context = path_context(path)
        limit = self._timeout if isinstance(timeout, UseClientDefault) else Timeout.of(timeout)
        body = json if json is not None or method not in _BODY_METHODS else {}
        data = None if body is None else jsonlib.dumps(body).encode("utf-8")
        delays = self._retries.delays()
        attempts = 0
        while True:
            attempts += 1
            try:
                response = self._session.request(
                    method,
                    url,
                    data=data,
                    params=dict(params) if params else None,
                    headers=self._headers,
                    auth=self._requests_auth,
                    verify=self._verify,
                    cert=self._cert,
                    proxies=self._proxies,
                    timeout=limit.as_requests(),
                    # A redirect turns POST into GET; a Livy API never redirects, so report it instead.
                    allow_redirects=method == "GET",
                    stream=raw,
                )
            except requests.RequestException as exc:
                error, transient, sent = self._translate(exc, method, url, context, limit)
                delay = next(delays, None) if transient and (idempotent or not sent) else None
                if delay is None:
                    raise error from exc
                logger.info("Retrying %s %s in %.2f s after: %s", method, url, delay, error)
                time.sleep(delay)
                continue
            if response.status_code in RETRYABLE_STATUSES and idempotent:
                delay = next(delays, None)
                if delay is not None:
                    delay = self._retry_after(response, delay)
                    logger.info(
                        "Retrying %s %s in %.2f s after status %s", method, url, delay, response.status_code
                    )
                    response.close()
                    time.sleep(delay)
                    continue
            return self._decode(response, method, url, context, attempts, repeatable=idempotent, raw=raw)

    def _retry_after(self, response: requests.Response, delay: float) -> float:
        value = response.headers.get("Retry-After", "")
        if value.strip().isdigit():
            return min(max(delay, float(value)), self._retries.cap)
        return delay

    def _decode(
        self,
        response: requests.Response,
        method: str,
        url: str,
        context: PathContext,
        attempts: int,
        *,
        repeatable: bool,
        raw: bool = False,
    ) -> JsonResponse:
        content_type = response.headers.get("Content-Type", "")
        if not 200 <= response.status_code < 300:
            raise error_for_status(
                status=response.status_code,
                reason=response.reason or "",
                content=response.content,
                content_type=content_type,
                location=response.headers.get("Location"),
                method=method,
                url=url,
                base_url=self._base_url,
                context=context,
                auth_description=self._auth.describe(),
                attempts=attempts,
                repeatable=repeatable,
            )
        if raw:
            # One read of the whole body: requests' .content joins it from 10 kB pieces, which costs a
            # third of a second for a 32 MB result.
            try:
                content = response.raw.read(decode_content=True)
            except (requests.RequestException, OSError, urllib3.exceptions.HTTPError) as exc:
                raise self._translate(requests.ConnectionError(exc), method, url, context, self._timeout)[
                    0
                ] from exc
            finally:
                response.close()
            return JsonResponse(status=response.status_code, headers=response.headers, body=content)
        body = decode_json(
            response.content,
            status=response.status_code,
            content_type=content_type,
            method=method,
            url=url,
            context=context,
        )
        return JsonResponse(status=response.status_code, headers=response.headers, body=body)

    def _translate(
        self, exc: requests.RequestException, method: str, url: str, context: PathContext, limit: Timeout
    ) -> tuple[LivyError, bool, bool]:
        """Map a requests exception to ``(error, transient, request_may_have_been_sent)``."""
        where = f"{method} {url}"
        session_id = context.session_id
        check = "Is the server running? Check the URL"
        if isinstance(exc, requests.exceptions.SSLError):
            message = (
                f"TLS failed for {where}: {exc}. Check the server certificate, or pass verify= the path of "
                "the CA bundle that signed it (verify=False disables the check: insecure)."
            )
            if self._cert is None and _mentions_client_certificate(exc):
                message += " The server may require a client certificate: set client_cert and client_key."
            return EndpointUnreachable(message, url=url, session_id=session_id), False, False
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            message = (
                f"Could not connect to {self._base_url} for {where} within {_seconds(limit.connect)}. {check}, "
                "and that no firewall, VPN or proxy is in the way."
            )
            return EndpointUnreachable(message, url=url, session_id=session_id), True, False
        if isinstance(exc, requests.exceptions.Timeout):
            message = (
                f"{where} got no answer within {_seconds(limit.read)} (read timeout). The server may be overloaded; "
                "try again, or raise the timeout."
            )
            return LivyTimeout(message, url=url, session_id=session_id), False, True
        if isinstance(exc, requests.exceptions.TooManyRedirects):
            message = f"{where} redirected too many times: is the URL a login page or misconfigured proxy?"
            return InvalidResponse(message, url=url, session_id=session_id), False, True
        if isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.ChunkedEncodingError):
            if _has(exc, urllib3.exceptions.NameResolutionError):
                what, sent = f"the host name of {self._base_url} could not be resolved", False
            elif _has(exc, ConnectionRefusedError):
                what, sent = f"the connection to {self._base_url} was refused", False
            elif _has(exc, urllib3.exceptions.NewConnectionError):
                what, sent = f"could not open a connection to {self._base_url}", False
            elif _has(exc, ConnectionResetError):
                what, sent = "the connection was reset before an answer came", True
            elif _has(exc, http.client.RemoteDisconnected):
                what, sent = "the server closed the connection without answering", True
            else:
                what, sent = "the connection broke before a complete answer came", True
            after = (
                " The request may have reached the server: look whether it acted (e.g. list_statements())"
                " before sending it again."
                if sent
                else ""
            )
            message = f"{where} failed: {what}.{after} {check}."
            error = EndpointUnreachable(
                message, url=url, session_id=session_id, request_may_have_reached_server=sent
            )
            return error, True, sent
        message = f"{where} failed: {type(exc).__name__}: {exc}"
        error = EndpointUnreachable(
            message, url=url, session_id=session_id, request_may_have_reached_server=True
        )
        return error, False, True

    def close(self) -> None:
        """Close the ``requests.Session`` if the transport created it; a caller's is left open."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
