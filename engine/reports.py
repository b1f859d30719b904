"""MIME bundles describing sessions and logs, for the kernel's ``%%info``/``%%logs`` and ``%spark info``/``logs``."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sparkwire.livy import Session, SessionLog

from .config import EndpointConfig
from .rendering import Table, table_text

__all__ = ["log_text", "sessions_bundle", "settings_bundle"]


def _link(url: str | None, label: str) -> str:
    if not url:
        return ""
    return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">{html.escape(label)}</a>'


def sessions_bundle(
    sessions: Sequence[Session], *, endpoint: EndpointConfig, current: int | None = None
) -> dict[str, Any]:
    """A table of an endpoint's sessions, the current one marked.

    :param sessions: the sessions.
    :param endpoint: their endpoint, for the title.
    :param current: the id of the caller's own session, marked with ``*``.
    :return: a bundle with ``text/html`` and ``text/plain``.
    """
    title = f"Sessions on {endpoint.url} ({endpoint.name})"
    if not sessions:
        text = f"{title}: none."
        return {"text/plain": text, "text/html": f"<p>{html.escape(text)}</p>"}
    header = ("", "id", "name", "kind", "state", "app id", "Spark UI", "driver log")
    rows_html, rows_text = [], []
    for session in sessions:
        mark = "*" if session.id == current else ""
        kind = session.kind.value if session.kind is not None else ""
        cells = (mark, str(session.id), session.name or "", kind, session.state.value, session.app_id or "")
        links = (
            _link(session.app_info.spark_ui_url, "Spark UI"),
            _link(session.app_info.driver_log_url, "log"),
        )
        rows_html.append(
            "<tr>"
            + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
            + "".join(f"<td>{c}</td>" for c in links)
            + "</tr>"
        )
        rows_text.append([*cells, session.app_info.spark_ui_url or "", session.app_info.driver_log_url or ""])
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    markup = (
        f"<p>{html.escape(title)}</p><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows_html)}</tbody></table>"
    )
    if current is not None:
        markup += "<p>* this notebook's session</p>"
    table = Table(tuple((h, "") for h in header), tuple(rows_text))
    text = f"{title}:\n{table_text(table, max_rows=len(rows_text))}"
    if current is not None:
        text += "\n* this notebook's session"
    return {"text/plain": text, "text/html": markup}


def settings_bundle(title: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A titled JSON block (e.g. the session settings the next session starts with).

    :param title: a heading.
    :param values: JSON-ready values (no secrets).
    :return: a bundle with ``text/html`` and ``text/plain``.
    """
    body = json.dumps(dict(values), indent=2, sort_keys=True, default=str)
    return {
        "text/plain": f"{title}\n{body}",
        "text/html": f"<p>{html.escape(title)}</p><pre>{html.escape(body)}</pre>",
    }


def log_text(log: SessionLog) -> str:
    """A session log slice as text.

    :param log: the slice.
    :return: its lines, with a header telling which lines of how many.
    """
    if not log.lines:
        return f"Session {log.id}: the log is empty.\n"
    first = log.from_ + 1
    last = log.from_ + len(log.lines)
    return f"Session {log.id} log, lines {first}-{last} of {log.total}:\n" + "\n".join(log.lines) + "\n"
