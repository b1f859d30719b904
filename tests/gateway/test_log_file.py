"""The session/batch log file: its tail matches the whole file's last lines, whatever the sizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sparkwire.gateway.log_file import SessionLogFile


@pytest.mark.parametrize("lines", [0, 1, 9, 10, 11, 5000])
@pytest.mark.parametrize("width", [1, 80, 20000])  # lines longer than the first 8 KiB read, too
def test_tail_equals_the_last_lines(tmp_path: Path, lines: int, width: int) -> None:
    log = SessionLogFile(tmp_path / "session.log")
    text = "".join(f"{n:05d} " + "x" * width + "\n" for n in range(lines))
    log.path.write_text(text + "no newline at the end" if lines % 2 else text)
    for count in (1, 10, 100):
        assert log.tail(count) == log.lines()[-count:]


def test_tail_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert SessionLogFile(tmp_path / "none.log").tail(10) == []
