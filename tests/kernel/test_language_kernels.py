"""The "Remote Spark (Scala)" and "Remote SparkR" kernels: the same kernel as Remote PySpark with another
session kind, started from their installed kernelspecs with jupyter_client, on the suite's gateway.

What needs no Scala REPL is tested here; the Scala cells themselves are in ``test_scala_kernel.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from .conftest import RunningKernel, kernel_environment, start_kernel


@pytest.fixture(scope="module")
def sparkr_kernel(
    kernel_dirs: list[str], gateway_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningKernel]:
    running = start_kernel(
        kernel_dirs,
        kernel_environment(tmp_path_factory.mktemp("home"), SPARKWIRE_URL=gateway_url),
        kernel_name="remote-sparkr",
    )
    try:
        yield running
    finally:
        running.stop()


def _kernel_info(kernel: RunningKernel) -> dict[str, object]:
    kernel.kc.kernel_info()
    content: dict[str, object] = kernel.kc.get_shell_msg(timeout=30)["content"]
    return content


def test_the_three_kernelspecs_are_installed(kernel_dirs: list[str]) -> None:
    specs = KernelSpecManager(kernel_dirs=kernel_dirs).get_all_specs()
    assert {
        name: spec["spec"]["display_name"] for name, spec in specs.items() if name.startswith("remote-")
    } == {
        "remote-pyspark": "Remote PySpark",
        "remote-spark-scala": "Remote Spark (Scala)",
        "remote-sparkr": "Remote SparkR",
    }
    assert specs["remote-spark-scala"]["spec"]["language"] == "scala"
    assert specs["remote-sparkr"]["spec"]["language"] == "r"


def test_scala_kernel_info_names_scala_for_highlighting(kernel_dirs: list[str], tmp_path: Path) -> None:
    kernel = start_kernel(
        kernel_dirs, kernel_environment(tmp_path / "home"), kernel_name="remote-spark-scala"
    )
    try:
        info = _kernel_info(kernel)
        assert info["language_info"] == {
            "name": "scala",
            "version": "2.13",
            "mimetype": "text/x-scala",
            "file_extension": ".scala",
            "codemirror_mode": "text/x-scala",
            "pygments_lexer": "scala",
        }
        assert str(info["banner"]).startswith("Remote Spark (Scala) (sparkwire ")
        # A console waits while a bracket or a string is open.
        assert kernel.is_complete("val xs = Seq(1,\n  2") == "incomplete"
        assert kernel.is_complete('val s = "a(b"') == "complete"
        assert kernel.is_complete("spark.range(3).count()") == "complete"
        assert kernel.is_complete("val x = (1))") == "invalid"
        assert kernel.run("%%help").results[0]["text/plain"].startswith("Remote Spark (Scala) kernel: ")
        # %%local stays Python in every kernel.
        assert kernel.run("%%local\nprint(6 * 7)").stdout == "42\n"
    finally:
        kernel.stop()


def test_sparkr_kernel_on_a_gateway_without_r_says_so_in_one_message(sparkr_kernel: RunningKernel) -> None:
    info = _kernel_info(sparkr_kernel)
    assert info["language_info"]["name"] == "r"  # type: ignore[index]
    assert info["language_info"]["pygments_lexer"] == "r"  # type: ignore[index]
    cell = sparkr_kernel.run("df <- createDataFrame(faithful)\nhead(df)")
    assert cell.status == "error"
    text = cell.error_text
    assert "sparkr" in text and "Traceback" not in text and 'File "' not in text
    assert len(text.splitlines()) <= 4, text
