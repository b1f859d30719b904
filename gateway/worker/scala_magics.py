"""Livy's ``%json NAME`` and ``%table NAME`` lines in Scala statements.

The statement is split into Scala chunks and magic lines, run in order. A magic names a value the REPL
defined; the REPL itself turns it into JSON with json4s (shipped with Spark: case classes become
objects, tuples ``{"_1": ..., "_2": ...}``, collections arrays), and :func:`magic_data` makes the MIME
data, ``%table`` through the same table builder as Python's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .magics import MagicError
from .table import TABLE_MIME, TableError, to_table

__all__ = ["MAGICS", "json_expression", "magic_data", "magic_variable", "split_magics"]

MAGICS = ("json", "table")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")


def split_magics(code: str) -> list[tuple[str, str]]:
    """:return: ``("scala", chunk)`` and ``("magic", line)`` steps in order; a statement without magics is one step."""
    steps: list[tuple[str, str]] = []
    chunk: list[str] = []
    for line in code.split("\n"):
        if line.startswith("%"):
            if any(part.strip() for part in chunk):
                steps.append(("scala", "\n".join(chunk)))
            chunk = []
            steps.append(("magic", line))
        else:
            chunk.append(line)
    if any(part.strip() for part in chunk) or not steps:
        steps.append(("scala", "\n".join(chunk)))
    return steps


def magic_variable(line: str) -> tuple[str, str]:
    """:return: the magic's name and the variable it shows.

    :raises MagicError: for an unknown magic or a missing or malformed variable name.
    """
    parts = line[1:].split(None, 1)
    name = parts[0] if parts else ""
    if name not in MAGICS:
        raise MagicError(
            "UnknownMagic", f"unknown magic command '{name}'" if name else "magic command not specified"
        )
    variable = parts[1].strip() if len(parts) > 1 else ""
    if not _IDENTIFIER.match(variable):
        raise MagicError(
            "ValueError",
            f"%{name} needs the name of a value the statement or an earlier one defined, e.g. %{name} rows",
        )
    return name, variable


def json_expression(variable: str) -> str:
    """:return: Scala code for the compact JSON text of ``variable`` (json4s's ``Extraction.decompose``)."""
    return (
        "org.json4s.jackson.JsonMethods.compact(org.json4s.Extraction.decompose("
        f"{variable})(org.json4s.DefaultFormats))"
    )


def magic_data(name: str, json_text: str) -> dict[str, Any]:
    """:return: the MIME data of ``%json`` or ``%table`` for a value's JSON text.

    :raises MagicError: when a table's rows differ in shape or type.
    """
    value = json.loads(json_text)
    if name == "json":
        return {"application/json": value}
    try:
        return {TABLE_MIME: to_table(value)}
    except TableError as exc:
        raise MagicError("Exception", str(exc)) from None
