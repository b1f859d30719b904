"""The kernel on a machine where sparkmagic has run: its config file empty, or holding every example key."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.sparkmagic_example import HONOURED, example_config, noted_keys

from .conftest import RunningKernel


def _sparkmagic_file(home: Path, content: str) -> None:
    path = home / ".sparkmagic" / "config.json"
    path.parent.mkdir(parents=True)
    path.write_text(content)


def test_an_empty_sparkmagic_file_means_the_defaults(
    kernel_factory: Callable[..., RunningKernel], tmp_path: Path, gateway_url: str, pyspark_session: int
) -> None:
    _sparkmagic_file(tmp_path / "home0", "\n")  # kernel_factory's first kernel gets HOME=tmp_path/home0
    kernel = kernel_factory(SPARKWIRE_URL=gateway_url)
    info = kernel.run("%%info")
    assert info.status == "ok", info.reply
    assert info.stdout.startswith(f"Endpoint: 'env' ({gateway_url}, no auth); settings from ")
    assert "sparkmagic" in info.stdout.splitlines()[0] and "ignored" not in info.stdout
    assert kernel.run(f"%attach {pyspark_session}").status == "ok"
    assert kernel.run("print(spark.range(4).count())").stdout == "4\n"


def test_every_sparkmagic_example_key_is_honoured_or_named_in_info(
    kernel_factory: Callable[..., RunningKernel], tmp_path: Path, gateway_url: str, pyspark_session: int
) -> None:
    data = example_config(gateway_url)
    _sparkmagic_file(tmp_path / "home0", json.dumps(data, indent=2))
    kernel = kernel_factory()  # no SPARKWIRE_URL: the endpoint is the file's kernel_python_credentials.url
    info = kernel.run("%%info")
    assert info.status == "ok", info.reply
    lines = info.stdout.splitlines()
    assert (
        lines[0]
        == f"Endpoint: 'sparkmagic' ({gateway_url}, no auth); settings from {tmp_path}/home0/.sparkmagic/config.json."
    )
    ignored = [key for key in data if key not in HONOURED]
    assert noted_keys(lines[1 : 1 + len(ignored)]) == ignored
    settings = json.dumps(info.results)
    assert "1000M" in settings and "executorCores" in settings  # session_configs: the next session's settings
    assert kernel.run(f"%attach {pyspark_session}").status == "ok"
    assert kernel.run("print(spark.range(5).count())").stdout == "5\n"


@pytest.mark.parametrize("content", ["{", "[]"])
def test_a_broken_sparkmagic_file_still_fails_clearly(
    kernel_factory: Callable[..., RunningKernel], tmp_path: Path, content: str
) -> None:
    _sparkmagic_file(tmp_path / "home0", content)
    failed = kernel_factory().run("%%info")
    assert failed.status == "error"
    assert ".sparkmagic/config.json" in failed.error_text and "Traceback" not in failed.error_text
