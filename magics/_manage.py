"""``%manage_spark``: a small ipywidgets view of this notebook's sessions, each with a Delete button.

Where widgets do not render (nbclient, a terminal) the same sessions show as a text table. When
sparkwire's JupyterLab sidebar is installed the view says so: it manages every session of every
endpoint, not only this notebook's.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Final

from sparkwire.engine import Engine, EngineError, Table, describe_error, table_text
from sparkwire.livy import LivyError, SessionNotFound

__all__ = ["SessionsView", "sidebar_installed"]

_WIDGET_MIME: Final = "application/vnd.jupyter.widget-view+json"
_SIDEBAR_PREFIX: Final = "sparkwire"


def sidebar_installed() -> bool:
    """Whether sparkwire's JupyterLab extension is installed where JupyterLab looks for extensions.

    :return: ``True`` if a ``labextensions`` folder holds a ``sparkwire*`` extension.
    """
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return False
    for folder in jupyter_path("labextensions"):
        path = Path(folder)
        if path.is_dir() and any(child.name.startswith(_SIDEBAR_PREFIX) for child in path.iterdir()):
            return True
    return False


class SessionsView:
    """The sessions of an engine's registry as widgets: one row per name, a Delete button on each.

    :param engine: the engine.
    :param sidebar: mention the JupyterLab sidebar.
    """

    def __init__(self, engine: Engine, *, sidebar: bool) -> None:
        import ipywidgets as widgets

        self._engine = engine
        self._widgets = widgets
        self._states: dict[str, str] = {}
        note = (
            " The <b>Spark</b> sidebar of JupyterLab shows every session of every endpoint."
            if sidebar
            else ""
        )
        self._rows = widgets.VBox()
        self._status = widgets.HTML()
        refresh = widgets.Button(description="Refresh", tooltip="Fetch the sessions' states again")
        refresh.on_click(lambda _button: self.refresh())
        header = widgets.HTML(f"<b>This notebook's Spark sessions</b>.{note}")
        self.widget: Any = widgets.VBox([header, self._rows, refresh, self._status])
        self.refresh()

    def _state(self, name: str) -> str:
        handle = self._engine.registry.get(name)
        if handle.session_id is None:
            return "not started"
        try:
            session = self._engine.registry.refresh(name)
        except SessionNotFound:
            return "gone"
        except LivyError:
            return "unknown"
        return session.state.value if session is not None else "not started"

    def refresh(self) -> None:
        """Fetch every session's state and rebuild the rows."""
        widgets = self._widgets
        self._states = {handle.name: self._state(handle.name) for handle in self._engine.registry}
        rows = []
        for handle in self._engine.registry:
            delete = widgets.Button(
                description="Delete", button_style="danger", tooltip=f"Delete session {handle.name!r}"
            )
            delete.on_click(lambda _button, name=handle.name: self.delete(name))
            cells = [
                handle.name,
                "" if handle.session_id is None else str(handle.session_id),
                self._states.get(handle.name, ""),
                handle.endpoint.url,
            ]
            rows.append(
                widgets.HBox(
                    [
                        widgets.HTML(
                            f"<code>{html.escape(c)}</code>",
                            layout=widgets.Layout(width="auto", margin="0 1em 0 0"),
                        )
                        for c in cells
                    ]
                    + [delete]
                )
            )
        if not rows:
            rows.append(
                widgets.HTML("No sessions: add one with <code>%spark add -s NAME -l python -u URL</code>.")
            )
        self._rows.children = rows

    def delete(self, name: str) -> None:
        """Delete a session (the Delete button), then show what happened.

        :param name: the registered name.
        """
        try:
            deleted = self._engine.registry.remove(name)
        except (EngineError, LivyError) as exc:
            self._status.value = f"<span style='color:#c00'>{html.escape(describe_error(exc).message)}</span>"
        else:
            what = f"session {deleted}" if deleted is not None else "it (not started)"
            self._status.value = html.escape(f"Deleted {what} ({name!r}).")
        self.refresh()

    def text(self) -> str:
        """:return: the sessions as a text table, for frontends without widgets."""
        rows = tuple(
            (
                handle.name,
                "" if handle.session_id is None else str(handle.session_id),
                self._states.get(handle.name, ""),
                handle.endpoint.url,
            )
            for handle in self._engine.registry
        )
        if not rows:
            return "No sessions: add one with %spark add -s NAME -l python -u URL."
        columns = (("name", ""), ("id", ""), ("state", ""), ("endpoint", ""))
        return "This notebook's Spark sessions (delete with %spark delete -s NAME):\n" + table_text(
            Table(columns, rows), max_rows=len(rows)
        )

    def bundle(self) -> dict[str, Any]:
        """:return: the widget's display bundle, with the text table as its ``text/plain``."""
        return {
            _WIDGET_MIME: {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id},
            "text/plain": self.text(),
        }
