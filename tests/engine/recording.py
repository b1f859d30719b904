"""A DisplaySink that records what the engine shows, for assertions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordingSink:
    """Records ``(action, display_id, bundle)`` and keeps the current state of each display."""

    widgets: bool = False
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    current: dict[str, dict[str, Any]] = field(default_factory=dict)

    def widgets_available(self) -> bool:
        return self.widgets

    def display(self, bundle: Mapping[str, Any], *, display_id: str) -> None:
        self.events.append(("display", display_id, dict(bundle)))
        self.current[display_id] = dict(bundle)

    def update(self, bundle: Mapping[str, Any], *, display_id: str) -> None:
        assert display_id in self.current, "update before display"
        self.events.append(("update", display_id, dict(bundle)))
        self.current[display_id] = dict(bundle)

    def clear(self, *, display_id: str) -> None:
        self.update({}, display_id=display_id)

    def texts(self) -> list[str]:
        return [bundle.get("text/plain", "") for _, _, bundle in self.events]

    def visible(self) -> list[dict[str, Any]]:
        """The displays still showing something."""
        return [bundle for bundle in self.current.values() if bundle]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now
