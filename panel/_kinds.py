"""Which session kinds an endpoint runs, for the panel's "new session" form.

Livy 0.5+ runs every kind it knows; sparkwire's gateway (its ``GET /version`` says ``"gateway":
"sparkwire"``) runs Python, Scala and SQL but not R, and lists what it runs in ``"kinds"``. So the
form offers only kinds the endpoint accepts, instead of letting a create fail with a 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sparkwire.livy import LivyClient

__all__ = ["ALL_KINDS", "GATEWAY_KINDS", "kinds_from_version", "session_kinds"]

ALL_KINDS: Final = ("pyspark", "sql", "shared", "spark", "sparkr")
"""Every session kind of Livy 0.5+, in the order the form offers them."""

GATEWAY_KINDS: Final = ("pyspark", "sql", "shared")
"""What sparkwire's gateway ran before its ``/version`` listed ``kinds`` (older gateways)."""


def kinds_from_version(version: Any) -> tuple[list[str], str]:
    """Read the kinds from a ``GET /version`` answer.

    :param version: the decoded JSON.
    :return: the kinds, in :data:`ALL_KINDS` order, and where they come from: ``"gateway"`` or ``"livy"``.
    """
    if not isinstance(version, Mapping) or version.get("gateway") != "sparkwire":
        return list(ALL_KINDS), "livy"
    listed = version.get("kinds")
    if isinstance(listed, list) and listed:
        known = [kind for kind in ALL_KINDS if kind in listed]
        return known or list(GATEWAY_KINDS), "gateway"
    return list(GATEWAY_KINDS), "gateway"


def session_kinds(client: LivyClient) -> dict[str, Any]:
    """Ask the endpoint which kinds it runs.

    :param client: the endpoint's client.
    :return: ``{"kinds": [...], "source": "gateway" | "livy"}``.
    :raises LivyError: when the endpoint cannot be asked (unreachable, credentials refused...).
    """
    answer = client.transport.request("GET", "/version", idempotent=True)
    kinds, source = kinds_from_version(answer.body)
    return {"kinds": kinds, "source": source}
