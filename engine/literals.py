"""Values embedded in code sent to a session, as JSON string literals: never pasted text.

``json_literal(value)`` is ``json.dumps`` of ASCII-only JSON text: a double-quoted Python literal whose
only escapes (``\\"`` and ``\\\\``) mean the same in Python, so the remote side reads the value back
with ``json.loads`` whatever it holds (quotes, newlines, Unicode). Both the SQL transfer's requests and
the tail that spots a DataFrame last expression (:mod:`.last_value`) build their code with it.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["json_literal"]


def json_literal(value: Any) -> str:
    """A Python string literal holding the JSON text of ``value``: ``json.loads(<literal>) == value``.

    :param value: any JSON value (str, int, float, bool, None, lists, dicts of those); no NaN.
    :return: a double-quoted, ASCII-only literal.
    :raises ValueError: for values JSON cannot hold (NaN, infinities).
    :raises TypeError: for values that are not JSON.
    """
    return json.dumps(json.dumps(value, ensure_ascii=True, allow_nan=False))
