"""sparkwire.magics: sparkmagic-compatible ``%spark`` / ``%%spark`` magics for any IPython kernel.

::

    %load_ext sparkwire.magics
    %spark add -s main -l python -u http://localhost:8998

    %%spark
    df = spark.range(100)

    %%spark -c sql -o top
    SELECT id FROM range(10)

Sessions, execution (start view, progress bar, cancel on interrupt), rendering and the SQL transfer
are :mod:`sparkwire.engine`'s, shared with the Remote PySpark kernel. See ``docs/magics.md``.
"""

from __future__ import annotations

import atexit
from typing import Any

from ._args import cell_args, endpoint_args, language_kind, session_args
from ._errors import SparkError
from ._magics import SparkMagics

__all__ = [
    "SparkError",
    "SparkMagics",
    "cell_args",
    "endpoint_args",
    "language_kind",
    "load_ipython_extension",
    "session_args",
    "unload_ipython_extension",
]


# Show the public classes as sparkwire.magics.X in reprs and tracebacks, as sparkwire.livy does.
SparkError.__module__ = SparkMagics.__module__ = __name__


def load_ipython_extension(ip: Any) -> None:
    """Register the magics in a shell (``%load_ext sparkwire.magics``).

    The engine reads sparkwire's config file (or sparkmagic's) and the environment now; a session is
    only created by ``%spark add``. Sessions the shell created are deleted when it exits.

    :param ip: the IPython shell.
    :raises UsageError: if the configuration is invalid (the message says which file and key).
    """
    from IPython.core.error import UsageError

    from sparkwire.engine import ConfigError, Engine

    try:
        engine = Engine.from_environment()
    except ConfigError as exc:
        raise UsageError(f"sparkwire.magics not loaded: {exc}") from None
    try:
        # Registers ipywidgets' comm target now, so a frontend that (re)connects later can render the
        # progress bar and %manage_spark as widgets (see sparkwire.engine.widget_frontend_connected).
        import ipywidgets  # noqa: F401
    except ImportError:
        pass
    magics = SparkMagics(ip, engine)
    ip.register_magics(magics)
    atexit.register(magics.close)


def unload_ipython_extension(ip: Any) -> None:
    """Delete the sessions the magics created and unregister their exit hook (``%unload_ext``).

    :param ip: the IPython shell.
    """
    magics = ip.magics_manager.registry.get(SparkMagics.__name__)
    if isinstance(magics, SparkMagics):
        atexit.unregister(magics.close)
        magics.close()
