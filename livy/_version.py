"""Livy versions: parsing ``GET /version`` and comparing versions to pick features."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Version", "VersionInfo"]


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


_VERSION = re.compile(r"^\s*v?(\d+(?:\.\d+)*)(?:[-+._]?(.*))?$")


@dataclass(frozen=True, eq=False)
class Version:
    """A Livy version such as ``0.8.0-incubating``, comparable with others and with int tuples.

    Only the numeric release is compared (``0.8.0-incubating == (0, 8)``); suffixes are kept but
    ignored, which is what feature checks need.

    :param release: the numeric parts, at least three (``(0, 8, 0)``).
    :param suffix: what follows them, e.g. ``"incubating"``, or ``""``.
    """

    release: tuple[int, ...]
    suffix: str = ""

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse a version string.

        :param text: e.g. ``"0.8.0-incubating"``, ``"0.9.0"``, ``"0.7.1-incubating-SNAPSHOT"``.
        :return: the version.
        :raises ValueError: if the string does not start with a number.
        """
        match = _VERSION.match(text)
        if match is None:
            raise ValueError(f"not a version string: {text!r}")
        release = tuple(int(part) for part in match.group(1).split("."))
        return cls(release=release + (0,) * (3 - len(release)), suffix=match.group(2) or "")

    def _key(self, other: object) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        if isinstance(other, Version):
            theirs = other.release
        elif isinstance(other, tuple) and all(isinstance(part, int) for part in other):
            theirs = other
        else:
            return None
        width = max(len(self.release), len(theirs))
        return self.release + (0,) * (width - len(self.release)), theirs + (0,) * (width - len(theirs))

    def __eq__(self, other: object) -> bool:
        key = self._key(other)
        return NotImplemented if key is None else key[0] == key[1]

    def __hash__(self) -> int:
        return hash(self.release)

    def __lt__(self, other: object) -> bool:
        key = self._key(other)
        return NotImplemented if key is None else key[0] < key[1]

    def __le__(self, other: object) -> bool:
        key = self._key(other)
        return NotImplemented if key is None else key[0] <= key[1]

    def __gt__(self, other: object) -> bool:
        key = self._key(other)
        return NotImplemented if key is None else key[0] > key[1]

    def __ge__(self, other: object) -> bool:
        key = self._key(other)
        return NotImplemented if key is None else key[0] >= key[1]

    def __str__(self) -> str:
        text = ".".join(str(part) for part in self.release)
        return f"{text}-{self.suffix}" if self.suffix else text


@dataclass(frozen=True)
class VersionInfo:
    """``GET /version``.

    :param version: the parsed version.
    :param raw: the version string as sent.
    :param user: who built it; the other fields are build metadata and may be ``None``.
    :param revision: the source revision.
    :param branch: the source branch.
    :param date: the build date.
    :param url: the source repository.
    :param extensions: what the server adds to Livy's API (sparkwire's gateway lists
        ``statement-wait`` and ``arrow-results``); empty for Apache Livy.
    :param kinds: the session kinds the server says it runs (sparkwire's gateway lists them); empty
        for Apache Livy, which does not say.
    """

    version: Version
    raw: str
    user: str | None = None
    revision: str | None = None
    branch: str | None = None
    date: str | None = None
    url: str | None = None
    extensions: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VersionInfo:
        """:param data: the version response. :return: the model."""
        raw = str(data["version"])
        return cls(
            version=Version.parse(raw),
            raw=raw,
            user=_opt_str(data, "user"),
            revision=_opt_str(data, "revision"),
            branch=_opt_str(data, "branch"),
            date=_opt_str(data, "date"),
            url=_opt_str(data, "url"),
            extensions=frozenset(str(e) for e in data.get("extensions") or () if isinstance(e, str)),
            kinds=frozenset(str(k) for k in data.get("kinds") or () if isinstance(k, str)),
        )
