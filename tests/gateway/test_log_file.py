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


@pytest.mark.parametrize("lines", [0, 1, 9, 250])
def test_pages_equal_slices_of_the_whole_log_as_it_grows(tmp_path: Path, lines: int) -> None:
    log = SessionLogFile(tmp_path / "session.log")
    log.path.write_text("".join(f"line {n}\n" for n in range(lines)) + "partial")
    every = log.lines()
    for from_, size in ((None, 10), (0, 5), (3, 100), (lines, 10), (None, -1), (2, -1)):
        start, total, page = log.page(from_, size)
        assert total == len(every)
        assert page == (every[start:] if size < 0 else every[start : start + size])
    log.note("appended later")  # the index picks up only what was added, including the partial line's end
    start, total, page = log.page(None, 2)
    assert total == len(log.lines()) and page == log.lines()[-2:]


def test_paging_a_missing_log_is_empty(tmp_path: Path) -> None:
    assert SessionLogFile(tmp_path / "none.log").page(None, 10) == (0, 0, [])
