"""Transient displays while the user waits: a session starting, a statement running.

Both draw through a :class:`~.display.DisplaySink` and update in place by display id. The statement
bar is an ipywidgets ``FloatProgress`` where widgets render and a text bar elsewhere; it appears only
once a statement has run for ``delay`` seconds (quick cells stay clean and fast) and is removed when
the statement ends. Text updates are throttled and sent only when the text changes.
"""

from __future__ import annotations

import html
import time
import uuid
from collections.abc import Callable
from typing import Any, Final

from sparkwire.livy import Session, Statement

from .config import ProgressMode
from .display import DisplaySink

__all__ = ["LiveDisplay", "SessionStartView", "StatementProgress", "format_bar", "format_duration"]

_WIDGET_MIME: Final = "application/vnd.jupyter.widget-view+json"
Clock = Callable[[], float]


def format_duration(seconds: float) -> str:
    """:param seconds: a duration. :return: e.g. ``"4 s"``, ``"2 min 05 s"``."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def format_bar(fraction: float | None, elapsed: float, *, width: int = 30, label: str = "") -> str:
    """A one-line text progress bar.

    :param fraction: 0.0–1.0, or ``None`` when unknown.
    :param elapsed: seconds since the start.
    :param width: characters inside the brackets.
    :param label: text after the bar, e.g. ``"statement 5"``.
    :return: e.g. ``"[#########.....................]  30%  12 s  statement 5"``.
    """
    if fraction is None:
        bar, percent = "." * width, "  ?%"
    else:
        clipped = min(max(fraction, 0.0), 1.0)
        filled = round(clipped * width)
        bar, percent = "#" * filled + "." * (width - filled), f"{int(clipped * 100):3d}%"
    tail = f"  {label}" if label else ""
    return f"[{bar}] {percent}  {format_duration(elapsed)}{tail}"


class LiveDisplay:
    """One output updated in place while a statement runs: the plumbing the bar and the jobs view share.

    :param sink: where to draw.
    :param mode: ``auto`` (widget if the sink renders widgets, else text), ``widget`` or ``text``.
    :param min_interval: least seconds between two text updates.
    """

    def __init__(self, sink: DisplaySink, mode: ProgressMode, min_interval: float) -> None:
        self.sink = sink
        self._mode = mode
        self._min_interval = min_interval
        self.display_id: str | None = None
        self._last_text = ""
        self._last_sent = 0.0

    @property
    def shown(self) -> bool:
        """Whether it is on screen."""
        return self.display_id is not None

    def wants_widget(self) -> bool:
        """:return: whether to draw with a widget rather than text."""
        return self._mode == "widget" or (self._mode == "auto" and self.sink.widgets_available())

    def show(self, text: str, now: float, widget: Any = None) -> None:
        """Display ``text``, or ``widget`` (an ipywidget) with ``text`` as its fallback."""
        self.display_id = uuid.uuid4().hex
        bundle: dict[str, Any] = {"text/plain": text}
        if widget is not None:
            bundle[_WIDGET_MIME] = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
        self.sink.display(bundle, display_id=self.display_id)
        self._last_text, self._last_sent = text, now

    def update_text(self, text: str, now: float) -> None:
        """Replace the text: only when it changed, and at most once per ``min_interval``."""
        if (
            self.display_id is not None
            and text != self._last_text
            and now - self._last_sent >= self._min_interval
        ):
            self.sink.update({"text/plain": text}, display_id=self.display_id)
            self._last_text, self._last_sent = text, now

    def leave(self, bundle: dict[str, Any]) -> None:
        """Replace it by ``bundle`` for good: it stays in the output, no longer updated."""
        if self.display_id is not None:
            self.sink.update(bundle, display_id=self.display_id)
            self.display_id = None

    def clear(self) -> None:
        """Remove it from the output."""
        if self.display_id is not None:
            self.sink.clear(display_id=self.display_id)
            self.display_id = None


class StatementProgress:
    """The progress bar of one statement; feed it each polled statement, then :meth:`close` it.

    :param sink: where to draw.
    :param mode: ``auto`` (widget if the sink renders widgets, else text), ``widget``, ``text`` or ``off``.
    :param delay: seconds before the bar appears.
    :param min_interval: least seconds between two text updates.
    :param clock: the time source (tests pass a fake).
    """

    def __init__(
        self,
        sink: DisplaySink,
        *,
        mode: ProgressMode = "auto",
        delay: float = 0.5,
        min_interval: float = 0.25,
        clock: Clock = time.monotonic,
    ) -> None:
        self._mode = mode
        self._delay = delay
        self._clock = clock
        self._start = clock()
        self._live = LiveDisplay(sink, mode, min_interval)
        self._widget: Any = None
        self._bar: Any = None
        self._label: Any = None

    @property
    def shown(self) -> bool:
        """Whether the bar is on screen."""
        return self._live.shown

    def update(self, statement: Statement) -> None:
        """Show or refresh the bar from a polled statement (a callback for ``wait_for_statement``).

        :param statement: the statement as last polled.
        """
        if self._mode == "off":
            return
        now = self._clock()
        elapsed = now - self._start
        if not self._live.shown and elapsed < self._delay:
            return
        text = format_bar(statement.progress, elapsed, label=f"statement {statement.id}")
        if not self._live.shown:
            widget = self._make_widget() if self._live.wants_widget() else None
            if widget is not None:
                self._set_widget(statement, text)
            self._live.show(text, now, widget)
        elif self._widget is not None:
            self._set_widget(statement, text)
        else:
            self._live.update_text(text, now)

    def _make_widget(self) -> Any:
        try:
            import ipywidgets
        except ImportError:  # ipywidgets is a dependency, but a stripped environment may lack it
            return None
        self._bar = ipywidgets.FloatProgress(
            value=0.0, min=0.0, max=1.0, description="Spark", bar_style="info"
        )
        self._label = ipywidgets.Label(value="")
        self._widget = ipywidgets.HBox([self._bar, self._label])
        return self._widget

    def _set_widget(self, statement: Statement, text: str) -> None:
        if statement.progress is not None:
            self._bar.value = min(max(statement.progress, 0.0), 1.0)
        self._label.value = text.split("] ", 1)[-1]

    def close(self) -> None:
        """Remove the bar (call when the statement ends, whichever way)."""
        if self._widget is not None:
            for widget in (self._bar, self._label, self._widget):
                widget.close()
            self._widget = None
        self._live.clear()


class SessionStartView:
    """Shows a starting session: its state, elapsed time, and the Spark UI link once known.

    :param sink: where to draw.
    :param where: the endpoint, for the text (e.g. its URL).
    :param clock: the time source.
    """

    def __init__(
        self, sink: DisplaySink, *, where: str, clock: Clock = time.monotonic, since: float | None = None
    ) -> None:
        self._sink = sink
        self._where = where
        self._clock = clock
        self._start = clock() if since is None else since
        self._early = since is not None  # started with the kernel (kernel.start_session), before the cell
        self._shown = clock()  # when the cell began to wait
        self._display_id = uuid.uuid4().hex
        self._last_text: str | None = None

    @property
    def elapsed(self) -> float:
        """Seconds since the view was made."""
        return self._clock() - self._start

    def _bundle(self, session: Session | None, headline: str) -> tuple[str, dict[str, Any]]:
        ui = session.app_info.spark_ui_url if session is not None else None
        text = headline + (f"\nSpark UI: {ui}" if ui else "")
        markup = html.escape(headline)
        if ui:
            link = html.escape(ui, quote=True)
            markup += f' &middot; <a href="{link}" target="_blank" rel="noopener">Spark UI</a>'
        return text, {"text/plain": text, "text/html": f"<div>{markup}</div>"}

    def update(self, session: Session | None) -> None:
        """Show or refresh the view.

        :param session: the session as last polled; ``None`` before it exists.
        """
        early = ", started with the kernel" if self._early else ""
        if session is None:
            headline = f"Creating a Spark session on {self._where}{early}…"
        else:
            kind = f" ({session.kind.value})" if session.kind is not None else ""
            headline = (
                f"Starting Spark session {session.id}{kind} on {self._where}{early}: "
                f"{session.state.value}, {format_duration(self.elapsed)}"
            )
        text, bundle = self._bundle(session, headline)
        if text == self._last_text:
            return
        if self._last_text is None:
            self._sink.display(bundle, display_id=self._display_id)
        else:
            self._sink.update(bundle, display_id=self._display_id)
        self._last_text = text

    def finish(self, session: Session | None) -> None:
        """Replace the view by a one-line summary of the ready session, or remove it on failure.

        :param session: the ready session; ``None`` if starting failed (the error is reported elsewhere).
        """
        if self._last_text is None:
            return
        if session is None:
            self._sink.clear(display_id=self._display_id)
            return
        kind = f" ({session.kind.value})" if session.kind is not None else ""
        if self._early:
            headline = (
                f"Spark session {session.id}{kind} is ready on {self._where}: started with the kernel "
                f"{self.elapsed:.1f} s ago, this cell waited {self._clock() - self._shown:.1f} s."
            )
        else:
            headline = f"Spark session {session.id}{kind} is ready on {self._where} ({self.elapsed:.1f} s)."
        _, bundle = self._bundle(session, headline)
        self._sink.update(bundle, display_id=self._display_id)
