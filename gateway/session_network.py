"""Where a session's Spark UI listens, and what it lets people do.

Spark's UI binds to ``SPARK_LOCAL_IP``, or every interface when it is unset. Sessions get the gateway's
own address (loopback by default; loopback too when the gateway listens on every interface, since
``/sessions/{id}/ui/`` proxies it with the gateway's auth). ``spark.ui.killEnabled`` follows the
gateway's auth: the UI port itself checks nobody, so with auth on its kill links are off.

``SPARK_LOCAL_IP`` also becomes the driver's default address; with a cluster master the executors must
reach the driver, so it then advertises this machine's outward address (``spark.driver.host``) unless
the request or the gateway's ``spark_conf`` name one.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from urllib.parse import urlparse

from .settings import GatewaySettings

__all__ = ["forced_ui_conf", "ui_bind_address", "ui_environment"]

_WILDCARDS = frozenset({"0.0.0.0", "::", "[::]", ""})


def ui_bind_address(settings: GatewaySettings) -> str:
    """:return: the address session UIs listen on."""
    host = settings.host.strip("[]")
    return "127.0.0.1" if host in _WILDCARDS or host == "localhost" else host


def ui_environment(settings: GatewaySettings) -> dict[str, str]:
    """:return: the environment that pins a session's UI to :func:`ui_bind_address`."""
    return {"SPARK_LOCAL_IP": ui_bind_address(settings)}


def _outward_address(master: str) -> str:
    """The address this machine uses towards the cluster (no packet is sent: UDP connect only routes)."""
    target = urlparse(master.removeprefix("k8s://")).hostname or "10.255.255.255"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((target, 9))
            return str(probe.getsockname()[0])
    except OSError:
        return socket.gethostname()


def forced_ui_conf(settings: GatewaySettings, conf: Mapping[str, str]) -> dict[str, str]:
    """Spark properties a session gets whatever it asks for (plus a driver address for clusters).

    :param settings: the gateway settings (auth mode, master, ``spark_conf``).
    :param conf: the session's own ``conf``.
    """
    forced = {"spark.ui.killEnabled": "true" if settings.auth_mode == "none" else "false"}
    given = {**settings.spark_conf, **conf}
    if not settings.master.startswith("local") and "spark.driver.host" not in given:
        forced["spark.driver.host"] = _outward_address(settings.master)
    return forced
