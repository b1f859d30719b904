"""Livy's Python magics: ``%json NAME``, ``%table NAME`` and ``%matplot NAME``.

Each takes the name of a variable in the REPL's namespace and returns MIME data to show beside the
captured text. Failures raise :class:`MagicError` carrying the ename and evalue Livy would report
(``KeyError`` for a missing variable, ``UnknownMagic`` for a magic it does not know).
"""

from __future__ import annotations

import base64
import io
import json
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from .table import TABLE_MIME, TableError, to_table

__all__ = ["MagicError", "run_magic", "use_headless_matplotlib"]


class MagicError(Exception):
    """A magic failed; the REPL reports it as an error result with no stack frames.

    :param ename: the error name to report.
    :param evalue: the message to report.
    """

    def __init__(self, ename: str, evalue: str) -> None:
        super().__init__(evalue)
        self.ename = ename
        self.evalue = evalue


def run_magic(line: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Run one magic line such as ``%json result`` and return its MIME data.

    :param line: the whole line, starting with ``%``.
    :param namespace: the REPL globals the variable is looked up in.
    :raises MagicError: for an unknown magic, a missing argument or variable, or a value it cannot show.
    """
    parts = line[1:].split(None, 1)
    name = parts[0] if parts else ""
    argument = parts[1] if len(parts) > 1 else ""
    if not name:
        raise MagicError("UnknownMagic", "magic command not specified")
    handler = _MAGICS.get(name)
    if handler is None:
        raise MagicError("UnknownMagic", f"unknown magic command '{name}'")
    variable = argument.strip()
    if not variable:
        raise MagicError("ValueError", f"%{name} needs the name of a variable")
    try:
        value = namespace[variable]
    except KeyError:
        raise MagicError("KeyError", repr(variable)) from None
    return handler(value)


def _json(value: object) -> dict[str, Any]:
    # Round-trip so the result is plain JSON now (tuples become lists) and later changes to the
    # variable cannot alter a finished statement's output.
    try:
        plain = json.loads(json.dumps(value))
    except (TypeError, ValueError) as exc:
        raise MagicError(type(exc).__name__, str(exc)) from None
    return {"application/json": plain}


def _table(value: object) -> dict[str, Any]:
    try:
        return {TABLE_MIME: to_table(value)}
    except TableError as exc:
        raise MagicError("Exception", str(exc)) from None


def _matplot(value: object) -> dict[str, Any]:
    # Livy calls value.gcf(), so it takes matplotlib.pyplot (or anything shaped like it); a Figure
    # is accepted too. The figure is left open, as in Livy: call plt.clf() to start a new one.
    try:
        gcf = getattr(value, "gcf", None)
        figure: Any = gcf() if callable(gcf) else value
        if not callable(getattr(figure, "savefig", None)):
            raise TypeError(f"{type(value).__name__} is neither matplotlib.pyplot nor a Figure")
        image = io.BytesIO()
        figure.savefig(image, format="png")
    except Exception as exc:  # noqa: BLE001 - Livy reports any plotting failure as the magic's error
        raise MagicError(type(exc).__name__, str(exc)) from None
    # Livy sends an empty text/plain beside the image; the REPL merges it with the captured text.
    return {"image/png": base64.b64encode(image.getvalue()).decode("ascii"), "text/plain": ""}


_MAGICS: dict[str, Callable[[object], dict[str, Any]]] = {
    "json": _json,
    "table": _table,
    "matplot": _matplot,
}


def use_headless_matplotlib() -> None:
    """Make matplotlib draw with Agg in this process, before user code imports ``pyplot``.

    A session process has no display, and an inherited ``MPLBACKEND`` may name a GUI or Jupyter-inline
    backend (ipykernel exports one to its children) that cannot load here; so Agg is forced, not
    defaulted. If matplotlib is already imported, it is switched as well.
    """
    os.environ["MPLBACKEND"] = "Agg"
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None:
        matplotlib.use("Agg")
