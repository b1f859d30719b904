"""How the magics show things in the cell: text on stdout, rich bundles through IPython's display."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from sparkwire.engine import RenderedOutput

__all__ = ["show_bundle", "show_rendered", "show_text"]


def show_text(text: str) -> None:
    """Write text to the cell's stdout, ending it with a newline.

    :param text: the text.
    """
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def show_bundle(bundle: Mapping[str, Any]) -> None:
    """Display a MIME bundle (``display_data``), as the engine's renderers make them.

    :param bundle: MIME type → data, with a ``text/plain`` fallback.
    """
    from IPython.display import display

    display(dict(bundle), raw=True)  # type: ignore[no-untyped-call]


def show_rendered(rendered: RenderedOutput) -> None:
    """Show a statement's output as the engine rendered it: stdout text, then the rich bundle.

    :param rendered: the rendered output (its error, if any, is the caller's to raise).
    """
    if rendered.stdout:
        sys.stdout.write(rendered.stdout)
        sys.stdout.flush()
    if rendered.bundle is not None:
        show_bundle(rendered.bundle)
