"""jupyter_kernel_test's message-protocol suite for the Remote PySpark kernel, against the gateway.

Not exercised, because Livy cannot provide them: ``code_stderr`` (Livy merges stderr into one
``text/plain`` with stdout), ``code_clear_output`` (no remote display messages), ``code_page_something``.
"""

from __future__ import annotations

from typing import Any

import jupyter_kernel_test as jkt
import pytest

from .conftest import RunningKernel


@pytest.fixture(scope="class", autouse=True)
def _kernel_for_class(request: pytest.FixtureRequest, gateway_kernel: RunningKernel) -> None:
    gateway_kernel.run("spark")  # start the session now: the suite's per-message timeout is 15 s
    request.cls.km, request.cls.kc = gateway_kernel.km, gateway_kernel.kc


class TestRemotePySparkProtocol(jkt.KernelTests):
    kernel_name = "remote-pyspark"
    language_name = "python"
    file_extension = ".py"

    code_hello_world = "print('hello, world')"
    code_generate_error = "raise RuntimeError('boom')"
    code_execute_result: list[dict[str, Any]] = [  # noqa: RUF012 - the suite's own attribute style
        {"code": "answer = 6 * 7\n%json answer", "result": "42"},
        {"code": "%%local\n6 * 7", "result": "42"},
    ]
    code_display_data: list[dict[str, Any]] = [  # noqa: RUF012
        {"code": "%%help", "mime": "text/html"},
    ]
    completion_samples: list[dict[str, Any]] = [  # noqa: RUF012
        {"text": "spark.ra", "matches": {"spark.range"}},
    ]
    complete_code_samples = ["1", "print('hello, world')", "def f(x):\n  return x*2\n\n\n"]  # noqa: RUF012
    incomplete_code_samples = ["print('''hello", "def f(x):\n  x*2"]  # noqa: RUF012
    invalid_code_samples = ["import = 7q"]  # noqa: RUF012
    code_inspect_sample = "print"  # inspected in the kernel's local Python
    code_history_pattern = "answer = 6*"
    supported_history_operations = ("tail", "search")

    @classmethod
    def setUpClass(cls) -> None:
        """The kernel comes from the fixture above (the suite would start a default one)."""

    @classmethod
    def tearDownClass(cls) -> None:
        """The fixture's owner stops the kernel."""
