"""Query results fetched as Arrow IPC files from sparkwire's gateway (its ``arrow-results`` extension).

On Apache Livy a result travels inside the statement's text output, as base64 in chunks of at most a
few megabytes (see :mod:`.transfer`). sparkwire's gateway lists ``arrow-results`` in ``/version``; then
the SQL helper writes the Arrow IPC stream to a file in the session's folder and the client fetches it
with one ``GET /sessions/{id}/results/{token}``: no base64, no JSON, no chunking, no copy held by the
gateway. The statement's output still holds the helper's header, so it stays valid for any client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sparkwire.livy import LivyClient, LivyError

from .errors import TransferFailed

__all__ = ["fetch_result_file", "is_loopback"]


def is_loopback(url: str) -> bool:
    """Whether a server URL names this machine (``localhost``, ``127.0.0.0/8``, ``::1``).

    :param url: the server's base URL.
    :return: ``True`` for a loopback host.
    """
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fetch_result_file(client: LivyClient, session_id: int, header: Mapping[str, Any]) -> bytes:
    """The result file the helper's ``header`` announces.

    :param client: the session's endpoint client.
    :param session_id: the session.
    :param header: the helper's response header (``token``, ``nbytes``).
    :return: the Arrow IPC stream.
    :raises TransferFailed: if the file is gone or its size is not the one announced.
    """
    try:
        payload = client.get_result(session_id, str(header["token"]))
    except LivyError as exc:
        raise TransferFailed(f"The query's result could not be fetched from the gateway: {exc}") from exc
    if len(payload) != int(header["nbytes"]):
        raise TransferFailed(
            f"The query's result arrived with {len(payload):,} of {int(header['nbytes']):,} bytes; "
            "run the query again."
        )
    return payload
