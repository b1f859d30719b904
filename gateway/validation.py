"""Input limits shared by every request model, route and registry lookup.

Every string a client sends ends up somewhere that cannot hold a NUL byte (a process argument, an
environment variable, a file name, Python source), so NULs are refused at the edge with a 400 instead
of failing later with a 500. The limits are declared in the OpenAPI schema too (``pattern``,
``maxLength``, ``maxItems``), so what the spec promises is what is served.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

__all__ = [
    "ARGS_SCHEMA",
    "CODE_MAX_CHARS",
    "CONF_SCHEMA",
    "DURATION_PATTERN",
    "LIST_MAX_ITEMS",
    "NO_NUL_PATTERN",
    "Code",
    "ConfKey",
    "ConfValue",
    "Duration",
    "PathText",
    "SessionKind",
    "ShortText",
    "StatementKind",
    "explain_error",
    "parse_id",
]

# Any string without NUL (``\x00``); JSON Schema and pydantic agree on this regular expression.
NO_NUL_PATTERN = r"^[^\x00]*$"
# Livy durations such as "30s", "10m", "2h" (see sessions.parse_duration).
DURATION_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,6})? ?(ms|s|m|min|h|d)?$"

SHORT_MAX_CHARS = 256  # names, kinds, memory sizes, users, queues
PATH_MAX_CHARS = 4096  # file paths and URLs
CONF_VALUE_MAX_CHARS = 65536
CODE_MAX_CHARS = 10_000_000  # one statement's source; bigger code belongs in a file (pyFiles)
LIST_MAX_ITEMS = 1000  # jars, files, args, conf entries
_ID_MAX_DIGITS = 18  # fits an int64, so an id never overflows anything it is passed to

ShortText = Annotated[str, Field(max_length=SHORT_MAX_CHARS, pattern=NO_NUL_PATTERN)]
PathText = Annotated[str, Field(max_length=PATH_MAX_CHARS, pattern=NO_NUL_PATTERN)]
ConfKey = Annotated[str, Field(min_length=1, max_length=SHORT_MAX_CHARS, pattern=NO_NUL_PATTERN)]
ConfValue = Annotated[str, Field(max_length=CONF_VALUE_MAX_CHARS, pattern=NO_NUL_PATTERN)]
Code = Annotated[str, Field(max_length=CODE_MAX_CHARS, pattern=NO_NUL_PATTERN)]
# What ``conf`` accepts, written out: pydantic would put the key pattern in ``patternProperties``,
# which lets other keys through in the spec.
_SCALAR_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "maxLength": CONF_VALUE_MAX_CHARS, "pattern": NO_NUL_PATTERN},
        {"type": "number"},
        {"type": "boolean"},
    ]
}
CONF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "maxProperties": LIST_MAX_ITEMS,
    "propertyNames": {"minLength": 1, "maxLength": SHORT_MAX_CHARS, "pattern": NO_NUL_PATTERN},
    "additionalProperties": _SCALAR_SCHEMA,
}
ARGS_SCHEMA: dict[str, Any] = {"type": "array", "maxItems": LIST_MAX_ITEMS, "items": _SCALAR_SCHEMA}
# Kinds are checked in kinds.py, which explains the ones this gateway cannot run (sparkr, or spark without
# Spark's Scala REPL); the spec lists those it runs, so spec-valid requests are accepted.
SessionKind = Annotated[
    str,
    Field(
        max_length=SHORT_MAX_CHARS,
        json_schema_extra={"enum": ["pyspark", "sql", "spark", "shared", "python", "pyspark3", "scala"]},
    ),
]
StatementKind = Annotated[
    str,
    Field(
        max_length=SHORT_MAX_CHARS,
        json_schema_extra={"enum": ["pyspark", "sql", "spark", "python", "pyspark3", "scala"]},
    ),
]
Duration = Annotated[str, Field(max_length=40, pattern=DURATION_PATTERN)]


def parse_id(text: str) -> int | None:
    """Read a session or batch id from a path segment.

    ``str.isdigit`` is also true for ``"¹"`` or ``"٣"``, which ``int`` then refuses or reads as
    another number; only ASCII digits are ids.

    :return: the id, or None when ``text`` is not one (it may still be a name).
    """
    if text.isascii() and text.isdigit() and len(text) <= _ID_MAX_DIGITS:
        return int(text)
    return None


def explain_error(error: dict[str, Any]) -> str | None:
    """:return: a readable reason for a failed constraint declared here, or None for other errors."""
    if error.get("type") == "greater_than_equal" and (error.get("ctx") or {}).get("ge") in (0, 1):
        return "must be a positive integer" if error["ctx"]["ge"] == 1 else "must be zero or positive"
    if error.get("type") != "string_pattern_mismatch":
        return None
    pattern = (error.get("ctx") or {}).get("pattern")
    if pattern == NO_NUL_PATTERN:
        return "must not contain NUL bytes (\\x00); remove them and retry"
    if pattern == DURATION_PATTERN:
        return "must be a duration such as '30s', '10m' or '2h'"
    return None
