"""Reading Livy's answers: JSON bodies, and error bodies of every shape real servers send.

Real Livy is not uniform: errors come as ``{"msg": ...}``, as a bare JSON string
(``"Statement not found"``), as Jetty's HTML error pages (CSRF and access filters), and as plain
text from proxies. :func:`describe_error_body` turns each into one readable line, and
:func:`error_for_status` picks the error class and writes a message saying what to do.
"""

from __future__ import annotations

import html
import http
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ._errors import (
    AuthenticationFailed,
    BadRequest,
    BatchNotFound,
    HTTPStatusError,
    InvalidResponse,
    LivyError,
    NotFound,
    ServerError,
    SessionNotFound,
    StatementNotFound,
)
from ._urls import PathContext

__all__ = ["JsonResponse", "decode_json", "describe_error_body", "error_for_status", "excerpt"]

_EXCERPT_CHARS: Final = 300


@dataclass(frozen=True)
class JsonResponse:
    """A decoded answer.

    :param status: the HTTP status.
    :param headers: the response headers (case-insensitive mapping).
    :param body: the decoded JSON value; ``None`` for an empty body.
    """

    status: int
    headers: Mapping[str, str]
    body: Any


def excerpt(text: str, limit: int = _EXCERPT_CHARS) -> str:
    """Collapse whitespace and cut ``text`` to ``limit`` characters, marking the cut.

    :param text: any text.
    :param limit: the maximum length.
    :return: the excerpt.
    """
    collapsed = " ".join(text.split())
    return collapsed if len(collapsed) <= limit else collapsed[: limit - 1] + "…"


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_INVISIBLE = re.compile(r"<(script|style|head)[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _html_text(text: str) -> str:
    # Jetty's and proxies' error pages put the reason in <title>; otherwise fall back to the text.
    title = _TITLE.search(text)
    if title and title.group(1).strip():
        return html.unescape(title.group(1)).strip()
    return html.unescape(_TAG.sub(" ", _INVISIBLE.sub(" ", text))).strip()


def _looks_like_html(text: str, content_type: str) -> bool:
    return "html" in content_type.lower() or text.lstrip()[:1] == "<"


def describe_error_body(content: bytes, content_type: str = "") -> str:
    """Extract the server's explanation from an error body, whatever its shape.

    :param content: the raw body.
    :param content_type: the ``Content-Type`` header, if any.
    :return: the message (``{"msg"}``'s value, the JSON string, the HTML title or text, the text), or
        ``""`` for an empty body. Not shortened.
    """
    text = content.decode("utf-8", errors="replace").strip()
    if not text:
        return ""
    if text[:1] in '{["' or "json" in content_type.lower():
        try:
            value = json.loads(text)
        except ValueError:
            pass
        else:
            if isinstance(value, str):
                return value.strip()
            if isinstance(value, dict):
                # "msg" is Livy's; "message"/"detail"/"error" are what other servers in front use.
                for key in ("msg", "message", "detail", "error"):
                    if isinstance(value.get(key), str):
                        return str(value[key]).strip()
            return json.dumps(value)
    if _looks_like_html(text, content_type):
        return _html_text(text)
    return text


def decode_json(
    content: bytes, *, status: int, content_type: str, method: str, url: str, context: PathContext
) -> Any:
    """Decode a successful answer's JSON body.

    :param content: the raw body.
    :param status: the HTTP status, for the error.
    :param content_type: the ``Content-Type`` header, to explain a non-JSON body.
    :param method: the request method, for the error.
    :param url: the request URL without credentials, for the error.
    :param context: what the path names, for the error.
    :return: the JSON value, or ``None`` for an empty body.
    :raises InvalidResponse: if the body is not JSON.
    """
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except ValueError as exc:
        text = content.decode("utf-8", errors="replace")
        if _looks_like_html(text, content_type):
            hint = (
                f"got an HTML page ({excerpt(_html_text(text), 80)!r}) instead of JSON: is {url} the Livy "
                "base URL, and not a login page or a proxy's page? Check the URL and the authentication."
            )
        else:
            hint = f"the body is not valid JSON ({exc}); is {url} a Livy server? Check the URL."
        raise InvalidResponse(
            f"Invalid response to {method} {url} (status {status}): {hint} Body starts: {excerpt(text, 200)!r}",
            url=url,
            session_id=context.session_id,
            status=status,
            excerpt=excerpt(text),
        ) from exc


def _reason(status: int, reason: str) -> str:
    if reason:
        return reason
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def error_for_status(
    *,
    status: int,
    reason: str,
    content: bytes,
    content_type: str,
    location: str | None,
    method: str,
    url: str,
    base_url: str,
    context: PathContext,
    auth_description: str,
    attempts: int,
    repeatable: bool = True,
) -> LivyError:
    """Build the error for a non-2xx answer.

    :param status: the HTTP status.
    :param reason: the HTTP reason phrase, possibly empty.
    :param content: the raw body.
    :param content_type: the ``Content-Type`` header.
    :param location: the ``Location`` header, for redirects.
    :param method: the request method.
    :param url: the request URL without credentials.
    :param base_url: the client's base URL without credentials.
    :param context: what the path names.
    :param auth_description: the authentication in use, without secrets.
    :param attempts: how many times the request was sent.
    :param repeatable: whether the request is safe to repeat; a 502/503/504 on one that is not (a new
        statement, session or batch) may come after the server acted, and the message says how to check.
    :return: the error to raise.
    """
    server_message = describe_error_body(content, content_type)
    # The server's own sentence ends the clause; its final period would double ours.
    said = f": {excerpt(server_message).rstrip('.')}" if server_message else ""
    what = f"{method} {url} answered {status} {_reason(status, reason)}".rstrip()
    common: dict[str, Any] = {"url": url, "status": status, "server_message": server_message}
    session_id = context.session_id

    if 300 <= status < 400:
        return InvalidResponse(
            f"{what}, redirecting to {location or 'nowhere'}: a Livy API does not redirect. The URL may "
            "point at a login page, or need https instead of http; check the URL.",
            url=url,
            session_id=session_id,
            status=status,
            excerpt=excerpt(server_message),
        )
    if status in (401, 403):
        return AuthenticationFailed(
            f"{what}{said}. The server refused the request using {auth_description}: check the credentials "
            "and the authentication type configured for this endpoint, and that this user may access it.",
            session_id=session_id,
            **common,
        )
    if status == 404:
        return _not_found(what, said, base_url, context, common)
    if 400 <= status < 500:
        hint = "Check the arguments of the request."
        if "unrecognized field" in server_message.lower():
            hint = (
                "The server does not know a field this request sets; it may be older than the feature "
                "needs (see SessionSpec.unsupported_fields)."
            )
        return BadRequest(f"{what}{said}. {hint}", session_id=session_id, **common)
    if status >= 500:
        if status in (502, 503, 504):
            tried = f" (tried {attempts} times)" if attempts > 1 else ""
            hint = (
                f"The server, or a proxy in front of it, is unavailable{tried}: it may be starting, "
                "overloaded or down. Try again later."
            )
            if not repeatable:
                hint = (
                    "A proxy in front of the server may have timed out after passing the request on, so it "
                    f"was not sent again: {_what_may_have_run(context, url)}"
                )
        else:
            hint = "This is a failure inside the server; its log has the details."
            if session_id is not None:
                hint += f" The session log may too: session_log({session_id!r})."
        return ServerError(f"{what}{said}. {hint}", session_id=session_id, **common)
    return InvalidResponse(
        f"{what}{said}: a status a Livy server does not send. Is {base_url} a Livy server?",
        url=url,
        session_id=session_id,
        status=status,
        excerpt=excerpt(server_message),
    )


def _what_may_have_run(context: PathContext, url: str) -> str:
    """How to check whether a non-repeatable request (POST) took effect despite a 502/503/504."""
    collection = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if context.resource == "sessions" and context.resource_id is not None:
        return (
            f"the statement may have run. List session {context.resource_id}'s statements "
            f"(GET /sessions/{context.resource_id}/statements, or %%info) and look for it before running it again."
        )
    if collection == "sessions":
        return "a session may have been created. List the sessions (GET /sessions) before creating another."
    if collection == "batches":
        return "a batch may have been submitted. List the batches (GET /batches) before submitting it again."
    return "it may have taken effect. Check the server's state before sending it again."


def _not_found(
    what: str, said: str, base_url: str, context: PathContext, common: dict[str, Any]
) -> HTTPStatusError:
    message = str(common["server_message"]).lower()
    if context.resource == "sessions":
        if context.statement_id is not None and "statement" in message:
            return StatementNotFound(
                f"{what}{said}. Session {context.resource_id} has no statement {context.statement_id}: "
                "Livy keeps only a session's last statements.",
                session_id=context.resource_id,
                statement_id=context.statement_id,
                **common,
            )
        return SessionNotFound(
            f"{what}{said}. No session {context.resource_id!r} at {base_url}: it may have ended (finished "
            "sessions are forgotten after a while) or the id is wrong; list the endpoint's sessions to see which exist.",
            session_id=context.resource_id,
            **common,
        )
    if context.resource == "batches":
        return BatchNotFound(
            f"{what}{said}. No batch {context.resource_id!r} at {base_url}: it may have ended and been "
            "forgotten, or the id is wrong; list the endpoint's batches to see which exist.",
            batch_id=context.resource_id,
            **common,
        )
    return NotFound(
        f"{what}{said}. Is {base_url} the base URL of a Livy server (e.g. http://host:8998, or the "
        "proxy path to Livy)? Check the URL.",
        **common,
    )
