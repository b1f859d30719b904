"""The magics on a machine where sparkmagic has run: its config file empty, or holding every example key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

from tests.support.sparkmagic_example import HONOURED, example_config, noted_keys


@pytest.fixture
def sparkmagic_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME with ~/.sparkmagic/ and no sparkwire config (the file is written by each test)."""
    home = tmp_path / "home"
    (home / ".sparkmagic").mkdir(parents=True)
    monkeypatch.delenv("SPARKWIRE_CONFIG")
    monkeypatch.setenv("HOME", str(home))
    return home


def _loaded() -> Iterator[InteractiveShell]:
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "sparkwire.magics")
    try:
        yield ip
    finally:
        ip.run_line_magic("unload_ext", "sparkwire.magics")


def test_an_empty_sparkmagic_file_means_the_defaults(
    sparkmagic_home: Path,
    gateway_url: str,
    pyspark_session: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (sparkmagic_home / ".sparkmagic" / "config.json").write_text("  \n")
    monkeypatch.setenv("SPARKWIRE_URL", gateway_url)
    for shell in _loaded():
        shell.run_line_magic("spark", f"add -s main -l python --id {pyspark_session}")
        shell.run_line_magic("spark", "info")
        out = capsys.readouterr().out
        assert f"main | {pyspark_session}" in out and "ignored" not in out
        shell.run_cell_magic("spark", "", "print(spark.range(6).count())")
        assert capsys.readouterr().out.splitlines()[-1] == "6"  # after the progress bar, if any


def test_every_sparkmagic_example_key_is_honoured_or_named_in_info(
    sparkmagic_home: Path, gateway_url: str, pyspark_session: int, capsys: pytest.CaptureFixture[str]
) -> None:
    data = example_config(gateway_url)
    (sparkmagic_home / ".sparkmagic" / "config.json").write_text(json.dumps(data))
    for shell in _loaded():
        shell.run_line_magic("spark", f"add -s main -l python --id {pyspark_session}")  # the file's endpoint
        assert f"on {gateway_url} as 'main'" in capsys.readouterr().out
        shell.run_line_magic("spark", "info")
        lines = capsys.readouterr().out.splitlines()
        ignored = [key for key in data if key not in HONOURED]
        assert noted_keys(lines[: len(ignored)]) == ignored
        assert any(f"main | {pyspark_session}" in line for line in lines[len(ignored) :])
        shell.run_cell_magic("spark", "", "print(spark.range(7).count())")
        assert capsys.readouterr().out.splitlines()[-1] == "7"
