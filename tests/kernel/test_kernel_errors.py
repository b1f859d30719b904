"""Failures outside the remote code reach the user as one clear error, never as a Python traceback."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.gateway_process import RunningGateway, free_port, start_gateway

from .conftest import CellRun, RunningKernel, kernel_environment, start_kernel

KernelFactory = Callable[..., RunningKernel]


def assert_clear_error(run: CellRun, ename: str) -> str:
    """The reply and the error message agree, and nothing of our Python code shows."""
    assert run.status == "error"
    assert run.reply["ename"] == ename
    text = run.error_text
    assert text.startswith(f"{ename}: ")
    assert "Traceback" not in text and 'File "' not in text and ".py" not in text
    return text


@pytest.fixture(scope="module")
def closed_port() -> int:
    return free_port()  # nothing listens there


@pytest.fixture(scope="module")
def offline_kernel(
    kernel_dirs: list[str], tmp_path_factory: pytest.TempPathFactory, closed_port: int
) -> Iterator[RunningKernel]:
    """A kernel whose endpoint is a closed port."""
    env = kernel_environment(tmp_path_factory.mktemp("home"), SPARKWIRE_URL=f"http://127.0.0.1:{closed_port}")
    kernel = start_kernel(kernel_dirs, env)
    try:
        yield kernel
    finally:
        kernel.stop()


def test_unreachable_endpoint(offline_kernel: RunningKernel, closed_port: int) -> None:
    kernel, port = offline_kernel, closed_port
    # Housekeeping that frontends send silently runs locally and never touches the endpoint.
    assert kernel.run("import sys", silent=True).status == "ok"
    text = assert_clear_error(kernel.run("1 + 1"), "EndpointUnreachable")
    assert f"127.0.0.1:{port}" in text and "refused" in text
    # The kernel stays usable: local work and help still run.
    assert kernel.run("%%local\nprint('still here')").stdout == "still here\n"
    assert "%%configure" in kernel.run("%%help").results[0]["text/plain"]


def test_bad_config_file_then_fixed(kernel_factory: KernelFactory, tmp_path: Path) -> None:
    config = tmp_path / "sparkwire.json"
    config.write_text('{"endpoints": {"x": {"url": "http://127.0.0.1:1"}')  # missing brace
    kernel = kernel_factory(SPARKWIRE_CONFIG=str(config))
    text = assert_clear_error(kernel.run("spark"), "ConfigError")
    assert str(config) in text and "not valid JSON" in text
    # The file is read again on the next cell, so fixing it needs no kernel restart.
    port = free_port()
    config.write_text(json.dumps({"endpoints": {"x": {"url": f"http://127.0.0.1:{port}"}}}))
    assert f"127.0.0.1:{port}" in assert_clear_error(kernel.run("spark"), "EndpointUnreachable")


@pytest.fixture(scope="module")
def basic_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    gateway = start_gateway(
        tmp_path_factory.mktemp("basic-gateway"),
        settings={"auth_user": "alice", "auth_password": "right-password"},
    )
    try:
        yield gateway
    finally:
        gateway.stop()


def test_wrong_basic_credentials(kernel_factory: KernelFactory, basic_gateway: RunningGateway) -> None:
    kernel = kernel_factory(
        SPARKWIRE_URL=basic_gateway.url,
        SPARKWIRE_AUTH="basic",
        SPARKWIRE_USER="alice",
        SPARKWIRE_PASSWORD="wrong-secret-7f3a",
    )
    run = kernel.run("1 + 1")
    text = assert_clear_error(run, "AuthenticationFailed")
    assert "alice" in text and "credentials" in text
    assert "wrong-secret-7f3a" not in json.dumps(run.messages) + json.dumps(run.reply)
    info = kernel.run("%%info")
    assert "wrong-secret-7f3a" not in json.dumps(info.messages)


def test_right_basic_credentials_reach_the_endpoint(
    kernel_factory: KernelFactory, basic_gateway: RunningGateway
) -> None:
    kernel = kernel_factory(
        SPARKWIRE_URL=basic_gateway.url, SPARKWIRE_USER="alice", SPARKWIRE_PASSWORD="right-password"
    )
    run = kernel.run("%%info")  # lists the endpoint's sessions: no session is started
    assert run.status == "ok", run.reply
    assert "basic auth as 'alice'" in run.stdout
    assert f"Sessions on {basic_gateway.url}" in run.results[-1]["text/plain"]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("%%bogus\nx", "Unknown magic %%bogus"),
        ("%%configure\n{not json", "not valid JSON"),
        ('%%configure\n{"driverMemroy": "1g"}', "unknown session setting(s) 'driverMemroy'"),
        ("%%configure nosuchprofile", "No session profile named 'nosuchprofile'"),
        ("%%cleanup", "Run %%cleanup -f to confirm"),
        ("%%delete -s 3", "Run %%delete -s 3 -f to confirm"),
        ("%%delete -f", "the following arguments are required: -s/--session"),
        ("%attach", "the following arguments are required: ID"),
        ("%%sql -n many\nSELECT 1", "invalid int value: 'many'"),
        ("%%info\nextra code", "takes no code after it"),
    ],
)
def test_bad_magic_usage(offline_kernel: RunningKernel, cell: str, message: str) -> None:
    run = offline_kernel.run(cell)
    assert run.status == "error"
    assert run.reply["ename"] in ("UsageError", "ConfigError")
    assert message in run.error_text
    assert "Traceback" not in run.error_text
