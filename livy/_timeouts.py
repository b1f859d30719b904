"""Request timeouts: a small value object, the client default, and a sentinel for "not given"."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

__all__ = [
    "DEFAULT_TIMEOUT",
    "USE_CLIENT_DEFAULT",
    "Timeout",
    "TimeoutTypes",
    "UseClientDefault",
]


@dataclass(frozen=True)
class Timeout:
    """How long one HTTP request may take, per phase, in seconds; ``None`` means no limit.

    :param connect: limit for opening the TCP/TLS connection.
    :param read: limit for each wait on the server's answer (between bytes, not the whole body).
    """

    connect: float | None = 10.0
    read: float | None = 60.0

    def __post_init__(self) -> None:
        for name in ("connect", "read"):
            value = getattr(self, name)
            if value is not None and not (value > 0 and math.isfinite(value)):
                raise ValueError(
                    f"Timeout.{name} must be a positive number of seconds or None, not {value!r}"
                )

    @classmethod
    def of(cls, value: TimeoutTypes) -> Timeout:
        """Normalise what callers may pass as a timeout.

        :param value: a :class:`Timeout`; a number (seconds, for both phases); ``None`` (no limit);
            or a ``(connect, read)`` tuple.
        :return: the equivalent :class:`Timeout`.
        """
        if isinstance(value, Timeout):
            return value
        if value is None:
            return cls(connect=None, read=None)
        if isinstance(value, tuple):
            connect, read = value
            return cls(connect=connect, read=read)
        return cls(connect=float(value), read=float(value))

    def as_requests(self) -> tuple[float | None, float | None] | None:
        """The value for requests' ``timeout=`` argument.

        :return: ``(connect, read)``, or ``None`` when neither phase is limited.
        """
        if self.connect is None and self.read is None:
            return None
        return (self.connect, self.read)

    def describe(self) -> str:
        """A short human description such as ``"connect 10 s, read 60 s"``.

        :return: the description.
        """

        def one(value: float | None) -> str:
            return "no limit" if value is None else f"{value:g} s"

        return f"connect {one(self.connect)}, read {one(self.read)}"


TimeoutTypes: TypeAlias = Timeout | float | tuple[float | None, float | None] | None
"""What a ``timeout=`` argument accepts: see :meth:`Timeout.of`."""

DEFAULT_TIMEOUT: Final = Timeout(connect=10.0, read=60.0)
"""The client default: Livy answers REST calls quickly; statements run asynchronously and are polled."""


class UseClientDefault(enum.Enum):
    """Type of :data:`USE_CLIENT_DEFAULT`: "no timeout given here", unlike ``None`` = "no limit"."""

    USE_CLIENT_DEFAULT = "USE_CLIENT_DEFAULT"

    def __repr__(self) -> str:
        return "USE_CLIENT_DEFAULT"


USE_CLIENT_DEFAULT: Final[Literal[UseClientDefault.USE_CLIENT_DEFAULT]] = UseClientDefault.USE_CLIENT_DEFAULT
"""Sentinel default of per-request ``timeout=`` arguments: use the client's timeout."""
