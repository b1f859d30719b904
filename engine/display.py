"""Where the engine shows transient things (session start, progress bars): the :class:`DisplaySink` protocol.

The kernel and the magics both run inside an IPython kernel, so both use :class:`IPythonDisplaySink`,
which publishes through ``IPython.display`` to the cell being executed. Tests record into their own
sink; headless callers pass :class:`NullSink`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

__all__ = ["DisplaySink", "IPythonDisplaySink", "NullSink", "widget_frontend_connected"]


@runtime_checkable
class DisplaySink(Protocol):
    """Shows MIME bundles in the current cell and updates them in place by display id."""

    def widgets_available(self) -> bool:
        """:return: whether an ipywidgets view displayed now would render (else use text)."""

    def display(self, bundle: Mapping[str, Any], *, display_id: str) -> None:
        """Show a bundle that later calls can update.

        :param bundle: MIME type → data.
        :param display_id: the id that :meth:`update` and :meth:`clear` name.
        """

    def update(self, bundle: Mapping[str, Any], *, display_id: str) -> None:
        """Replace a displayed bundle.

        :param bundle: the new bundle.
        :param display_id: the display to replace.
        """

    def clear(self, *, display_id: str) -> None:
        """Remove a displayed bundle (it is replaced by an empty one).

        :param display_id: the display to remove.
        """


def widget_frontend_connected() -> bool:
    """Whether a frontend that renders ipywidgets is connected to this kernel.

    Such a frontend (JupyterLab, Notebook 7, VS Code) opens ipywidgets' ``jupyter.widget.control``
    comm when it connects; nbclient, papermill and jupyter_client scripts do not. The comm target
    exists only once ipywidgets is imported, so a kernel should import it (or register the target)
    early: the Remote PySpark kernel does.

    :return: ``True`` if the control comm was opened.
    """
    module = sys.modules.get("ipywidgets")
    if module is None:
        return False
    return getattr(module.Widget, "_control_comm", None) is not None


class IPythonDisplaySink:
    """Displays through ``IPython.display`` (the kernel's display publisher) into the current cell.

    :param widgets: force widgets on or off; ``None`` detects a widget frontend
        (:func:`widget_frontend_connected`).
    """

    def __init__(self, *, widgets: bool | None = None) -> None:
        self._widgets = widgets

    def widgets_available(self) -> bool:
        """:return: the forced choice, else whether a widget frontend is connected."""
        return widget_frontend_connected() if self._widgets is None else self._widgets

    def display(self, bundle: Mapping[str, Any], *, display_id: str) -> None:
        """:param bundle: MIME bundle. :param display_id: the display's id."""
        from IPython.display import display

        display(dict(bundle), raw=True, display_id=display_id)  # type: ignore[no-untyped-call]

    def update(self, bundle: Mapping[str, Any], *, display_id: str) -> None:
        """:param bundle: MIME bundle. :param display_id: the display to replace."""
        from IPython.display import update_display

        update_display(dict(bundle), raw=True, display_id=display_id)  # type: ignore[no-untyped-call]

    def clear(self, *, display_id: str) -> None:
        """:param display_id: the display to remove."""
        self.update({}, display_id=display_id)


class NullSink:
    """Shows nothing (scripts, tests, ``progress: off``)."""

    def widgets_available(self) -> bool:
        """:return: ``False``."""
        return False

    def display(self, bundle: Mapping[str, Any], *, display_id: str) -> None:
        """Do nothing. :param bundle: ignored. :param display_id: ignored."""

    def update(self, bundle: Mapping[str, Any], *, display_id: str) -> None:
        """Do nothing. :param bundle: ignored. :param display_id: ignored."""

    def clear(self, *, display_id: str) -> None:
        """Do nothing. :param display_id: ignored."""
