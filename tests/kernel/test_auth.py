"""The Remote PySpark kernel with a sparkmagic config whose ``authenticators`` map names a custom class
(loaded by dotted path, used as is), against the real gateway behind a bearer token."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import requests

from tests.support.auth_helpers import (
    GATEWAY_TOKEN,
    sparkmagic_config,
    write_auth_module,
    write_sparkmagic_config,
)
from tests.support.gateway_process import RunningGateway

from .conftest import RunningKernel

_AUTH = {"Authorization": f"Bearer {GATEWAY_TOKEN}"}


def test_a_sparkmagic_custom_authenticator_signs_the_kernels_requests(
    kernel_factory: Callable[..., RunningKernel], token_gateway: RunningGateway, tmp_path: Path
) -> None:
    conf_dir = tmp_path / "sparkmagic"
    write_sparkmagic_config(conf_dir, sparkmagic_config(token_gateway.url))
    modules = write_auth_module(tmp_path / "modules")
    kernel = kernel_factory(SPARKMAGIC_CONF_DIR=str(conf_dir), PYTHONPATH=str(modules))
    first = kernel.run("print(sum(range(10)))")
    assert first.status == "ok", first.reply
    assert first.stdout.endswith("45\n")
    info = kernel.run("%%info")
    assert "teamauth.TeamToken auth" in info.stdout  # the auth is named, its token is not
    everything = first.stdout + info.stdout + repr(first.messages) + repr(info.messages)
    assert GATEWAY_TOKEN not in everything
    sessions = requests.get(f"{token_gateway.url}/sessions", headers=_AUTH, timeout=10).json()["sessions"]
    live = [s["id"] for s in sessions if s["state"] in ("idle", "busy")]
    assert live
    kernel.stop()  # deletes the session it created, through the same authenticator
    after = requests.get(f"{token_gateway.url}/sessions", headers=_AUTH, timeout=10).json()["sessions"]
    assert not [s for s in after if s["id"] in live and s["state"] in ("idle", "busy")]


def test_a_token_command_and_a_hub_proxy_user_from_the_environment(
    kernel_factory: Callable[..., RunningKernel], token_gateway: RunningGateway
) -> None:
    """JupyterHub-style: the token from a command, sessions created as ``$JUPYTERHUB_USER``."""
    command = f"{sys.executable} -c \"print('{GATEWAY_TOKEN}')\""
    kernel = kernel_factory(
        SPARKWIRE_URL=token_gateway.url,
        SPARKWIRE_TOKEN_COMMAND=command,
        SPARKWIRE_PROXY_USER="{JUPYTERHUB_USER}",
        JUPYTERHUB_USER="alice",
    )
    listed = kernel.run("%%info")  # lists the endpoint's sessions: a request with the command's token
    assert listed.status == "ok", listed.reply
    assert "bearer auth" in listed.stdout and GATEWAY_TOKEN not in listed.stdout
    before = {
        s["id"]
        for s in requests.get(f"{token_gateway.url}/sessions", headers=_AUTH, timeout=10).json()["sessions"]
    }
    ran = kernel.run("print('as the hub user')")
    assert ran.status == "ok", ran.reply
    sessions = requests.get(f"{token_gateway.url}/sessions", headers=_AUTH, timeout=10).json()["sessions"]
    assert [s["proxyUser"] for s in sessions if s["id"] not in before] == ["alice"]
    kernel.stop()
