"""The server extension's settings, read from the Jupyter server's configuration (``c.SparkwirePanel``)."""

from __future__ import annotations

from traitlets import Float, Int
from traitlets.config import Configurable

__all__ = ["SparkwirePanel"]


class SparkwirePanel(Configurable):
    """Settings of the JupyterLab "Spark" panel's REST handlers.

    Endpoints and their credentials are not set here: they come from sparkwire's own configuration,
    shared with the kernel and the magics.
    """

    request_timeout = Float(
        15.0,
        config=True,
        help="Seconds to wait for a Livy endpoint to answer one request made for the panel.",
    )
    log_lines = Int(200, config=True, help="Log lines returned when the panel does not say how many.")
    max_log_lines = Int(10_000, config=True, help="The most log lines one request may ask for.")
    max_listed = Int(
        1000, config=True, help="The most sessions (and batches) listed per endpoint; Livy pages by 100."
    )
    workers = Int(
        8,
        config=True,
        help="Threads running Livy requests, so a slow endpoint never blocks the Jupyter server.",
    )
