"""The JSON the panel receives: sparkwire.livy models turned into the shapes of ``src/tokens.ts``.

Only what the panel shows leaves the server: no auth settings, no URLs with credentials.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sparkwire.livy import Batch, Session, SessionLog

from ._endpoints import Endpoint

__all__ = ["batch_json", "endpoint_json", "log_json", "session_json"]


def _millis(seconds: float) -> int:
    return int(seconds * 1000)


def endpoint_json(endpoint: Endpoint) -> dict[str, Any]:
    """:param endpoint: a configured endpoint. :return: its name, URL without credentials and auth kind."""
    return {
        "name": endpoint.name,
        "url": endpoint.public_url,
        "auth": endpoint.auth_kind,
        "default": endpoint.default,
    }


def session_json(session: Session, first_seen: float, earlier: bool = False) -> dict[str, Any]:
    """:param session: a session. :param first_seen: when this server first saw it (epoch s).
    :param earlier: whether it existed when this server first listed the endpoint. :return: the JSON."""
    return {
        "id": session.id,
        "name": session.name,
        "kind": session.kind.value if session.kind is not None else None,
        "state": session.state.value,
        "owner": session.owner,
        "proxyUser": session.proxy_user,
        "appId": session.app_id,
        "sparkUiUrl": session.app_info.spark_ui_url,
        "driverLogUrl": session.app_info.driver_log_url,
        "firstSeen": _millis(first_seen),
        "seenAtStart": earlier,
    }


def batch_json(batch: Batch, first_seen: float, earlier: bool = False) -> dict[str, Any]:
    """:param batch: a batch. :param first_seen: when this server first saw it (epoch s).
    :param earlier: whether it existed when this server first listed the endpoint. :return: the JSON."""
    return {
        "id": batch.id,
        "name": batch.name,
        "state": batch.state.value,
        "owner": batch.owner,
        "proxyUser": batch.proxy_user,
        "appId": batch.app_id,
        "sparkUiUrl": batch.app_info.spark_ui_url,
        "driverLogUrl": batch.app_info.driver_log_url,
        "firstSeen": _millis(first_seen),
        "seenAtStart": earlier,
    }


def log_json(log: SessionLog) -> Mapping[str, Any]:
    """:param log: a slice of a log. :return: the JSON."""
    return {"id": log.id, "from": log.from_, "total": log.total, "lines": list(log.lines)}
