"""Completion candidates for the Python REPL, from its live namespace.

Like the standard library's ``rlcompleter``: the dotted name ending at the cursor is completed from the
namespace, builtins and keywords, or from ``dir()`` of the object its leading part names. Unlike
``rlcompleter`` nothing is evaluated (only names are looked up and attributes fetched), and candidates
are bare names, without the ``(`` it appends to callables.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["complete", "token_before"]

_TOKEN = re.compile(r"[A-Za-z_][\w.]*$")


def token_before(code: str, cursor: int) -> str:
    """The dotted name that ends at ``cursor``; empty when the cursor does not follow a name.

    :param code: the cell being edited.
    :param cursor: a character offset into ``code``, clamped into range.
    """
    head = code[: max(0, min(cursor, len(code)))]
    match = _TOKEN.search(head)
    if match is None:
        return ""
    token = match.group()
    start = match.start()
    # "x1.a" is a token; "1.a", "f().a" and "a..b" are not: what precedes it is not a plain name.
    if (start > 0 and (head[start - 1].isalnum() or head[start - 1] in ".)]}'\"")) or ".." in token:
        return ""
    return token


def complete(namespace: Mapping[str, Any], code: str, cursor: int) -> list[str]:
    """Sorted candidates, each a full replacement for :func:`token_before` (``spark.ra`` → ``spark.range``).

    Private names (``_x``) are offered only once the typed prefix starts with ``_``, dunders only after
    ``__``, as ``rlcompleter`` does.

    :param namespace: the REPL's globals.
    :param code: the cell being edited.
    :param cursor: a character offset into ``code``; the token before it is completed.
    """
    token = token_before(code, cursor)
    if not token:
        return []
    if "." not in token:
        return _matching(_global_names(namespace), token)
    owner_path, _, prefix = token.rpartition(".")
    owner = _resolve(namespace, owner_path.split("."))
    if owner is _MISSING:
        return []
    try:
        names = dir(owner)
    except Exception:  # noqa: BLE001 - a broken __dir__ gives no candidates, not an error
        return []
    return [f"{owner_path}.{name}" for name in _matching(names, prefix)]


_MISSING = object()


def _global_names(namespace: Mapping[str, Any]) -> set[str]:
    # Completion may run on another thread while a cell assigns variables: copy first (one C call,
    # atomic under the GIL) instead of iterating a dict that may change size.
    names = set(dict(namespace)) | set(keyword.kwlist) | set(dir(builtins))
    own_builtins = namespace.get("__builtins__")
    if isinstance(own_builtins, Mapping):
        names |= set(own_builtins)
    return {name for name in names if isinstance(name, str)}


def _resolve(namespace: Mapping[str, Any], path: list[str]) -> object:
    """The object a dotted path names, or ``_MISSING``; attribute lookups are the only calls made."""
    first, *rest = path
    if first in namespace:
        value = namespace[first]
    elif hasattr(builtins, first):
        value = getattr(builtins, first)
    else:
        return _MISSING
    for name in rest:
        try:
            value = getattr(value, name)
        except Exception:  # noqa: BLE001 - any failing property just means nothing to offer
            return _MISSING
    return value


def _matching(names: Iterable[str], prefix: str) -> list[str]:
    if prefix.startswith("__"):
        hidden = ""
    elif prefix.startswith("_"):
        hidden = "__"
    else:
        hidden = "_"
    return sorted(
        {name for name in names if name.startswith(prefix) and not (hidden and name.startswith(hidden))}
    )
