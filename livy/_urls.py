"""URL helpers: keep credentials out of URLs, and read which session a path names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from ._errors import SessionId

__all__ = ["PathContext", "path_context", "quote_id", "redact_url", "split_credentials"]


def _host_part(netloc: str) -> str:
    # rpartition: a password may itself contain "@" (percent-encoded or not).
    return netloc.rpartition("@")[2]


def redact_url(url: str) -> str:
    """Remove the ``user:password@`` part of a URL, for messages and logs.

    :param url: any URL.
    :return: the URL without userinfo; unchanged if it had none.
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=_host_part(parts.netloc)))


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """Split ``http://user:password@host/path`` into the URL without userinfo and the credentials.

    :param url: the base URL of a Livy server.
    :return: ``(url_without_userinfo, username, password)``; the credentials are ``None`` if absent.
    :raises ValueError: if the URL is not an absolute http(s) URL.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"not an http(s) URL: {redact_url(url)!r}; give the Livy base URL, e.g. http://localhost:8998"
        )
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    clean = urlunsplit(parts._replace(netloc=_host_part(parts.netloc), query="", fragment=""))
    return clean.rstrip("/"), username, password


def quote_id(value: SessionId) -> str:
    """Quote a session/batch id or name for use as one path segment.

    :param value: an int id, or a name (Livy 0.6+).
    :return: the percent-encoded segment.
    """
    return quote(str(value), safe="")


@dataclass(frozen=True)
class PathContext:
    """What a request path is about, for error messages and error classes.

    :param resource: ``"sessions"``, ``"batches"`` or ``None``.
    :param resource_id: the session or batch id (an int, or a name), or ``None``.
    :param statement_id: the statement id for ``/sessions/{id}/statements/{sid}``, or ``None``.
    """

    resource: str | None = None
    resource_id: SessionId | None = None
    statement_id: int | None = None

    @property
    def session_id(self) -> SessionId | None:
        """The session id if the path is a session path."""
        return self.resource_id if self.resource == "sessions" else None


_PATH = re.compile(r"^/(sessions|batches)/([^/?]+)(?:/statements/(\d+))?")


def path_context(path: str) -> PathContext:
    """Read the resource a request path names.

    :param path: a path such as ``/sessions/3/statements/7``.
    :return: the context; empty for paths such as ``/version`` or ``/sessions``.
    """
    match = _PATH.match(path)
    if match is None:
        return PathContext()
    raw_id = unquote(match.group(2))
    resource_id: SessionId = int(raw_id) if raw_id.isdigit() else raw_id
    statement = match.group(3)
    return PathContext(match.group(1), resource_id, int(statement) if statement is not None else None)
