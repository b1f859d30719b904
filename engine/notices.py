"""One line in the cell saying the endpoint stopped answering, updated in place once it is back."""

from __future__ import annotations

import uuid

from .display import DisplaySink

__all__ = ["ConnectionNotice"]


class ConnectionNotice:
    """A notice callback for waits (``on_notice``): "gateway restarting …", then "… reconnected".

    The line stays in the cell once the wait is over, so the user sees why the cell took longer.

    :param sink: where the line is shown.
    """

    def __init__(self, sink: DisplaySink) -> None:
        self._sink = sink
        self._display_id: str | None = None
        self._lines: list[str] = []

    def __call__(self, message: str) -> None:
        """Show ``message``: the first one opens the line, later ones are appended to it."""
        self._lines.append(message)
        bundle = {"text/plain": " ".join(self._lines)}
        if self._display_id is None:
            self._display_id = uuid.uuid4().hex
            self._sink.display(bundle, display_id=self._display_id)
        else:
            self._sink.update(bundle, display_id=self._display_id)
