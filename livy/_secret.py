"""A password or token wrapped so that ``repr`` and ``str`` never show it."""

from __future__ import annotations

import hmac

__all__ = ["Secret"]

_MASK = "**********"


class Secret:
    """A password or token whose ``repr`` and ``str`` are masked; :meth:`reveal` gives the value.

    :param value: the secret text.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str | Secret) -> None:
        self._value = value.reveal() if isinstance(value, Secret) else value

    def reveal(self) -> str:
        """The secret text itself; pass it only to the code that needs it.

        :return: the unmasked value.
        """
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{_MASK}')"

    def __str__(self) -> str:
        return _MASK

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        # Constant-time, as for any comparison of credentials.
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))
