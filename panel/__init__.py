"""sparkwire.panel: the Jupyter server extension behind JupyterLab's "Spark" side panel.

The panel (``labextension/``) calls authenticated REST handlers under ``{base_url}/sparkwire/``
(:mod:`sparkwire.panel.handlers`); they reach the configured Livy endpoints with the user's
configured credentials through :mod:`sparkwire.livy`, so credentials never reach the browser.
The extension is enabled by ``jupyter_server_config.d/sparkwire.json``, installed with the package.
"""

from __future__ import annotations

from typing import Any

from ._config import SparkwirePanel
from ._endpoints import DEFAULT_URL, Endpoint, PanelEndpoints, load_endpoints
from ._state import SETTINGS_KEY, PanelState
from .handlers import NAMESPACE, setup_handlers

__all__ = [
    "DEFAULT_URL",
    "NAMESPACE",
    "SETTINGS_KEY",
    "Endpoint",
    "PanelEndpoints",
    "PanelState",
    "SparkwirePanel",
    "load_endpoints",
    "setup_handlers",
]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """:return: where jupyter_server finds this extension's loader."""
    return [{"module": "sparkwire.panel"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Build the settings from the server's configuration, share the state, add the handlers.

    :param server_app: the ``jupyter_server.serverapp.ServerApp``.
    """
    config = SparkwirePanel(config=server_app.config, parent=server_app)
    server_app.web_app.settings[SETTINGS_KEY] = PanelState(config)
    setup_handlers(server_app.web_app)
    server_app.log.info("sparkwire panel: REST handlers at %s", server_app.base_url + NAMESPACE + "/")
