"""Kerberos (SPNEGO) against a real MIT KDC: the gateway with ``--auth kerberos`` and real clients.

The KDC serves two realms on loopback: SPARKWIRE.TEST (the gateway's) and OTHER.TEST, which trusts
it, so a ticket from the wrong realm reaches the gateway and is refused there, as Livy refuses
principals its ``auth_to_local`` rules do not map.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from sparkwire.kernel.install import install_kernel_spec
from sparkwire.livy import AuthenticationFailed, KerberosAuth, LivyClient
from tests.kernel.conftest import kernel_environment, start_kernel
from tests.support.gateway_process import RunningGateway, start_gateway
from tests.support.kdc import Kdc, kdc_available, start_kdc

REALM, OTHER = "SPARKWIRE.TEST", "OTHER.TEST"
SERVICE = f"HTTP/localhost@{REALM}"

pytestmark = pytest.mark.skipif(
    not kdc_available()
    or importlib.util.find_spec("gssapi") is None
    or importlib.util.find_spec("requests_kerberos") is None,
    reason="needs MIT Kerberos (scripts/install-kdc.sh) and the kerberos extra (make test installs both)",
)


@dataclass
class KerberizedGateway:
    kdc: Kdc
    gateway: RunningGateway
    root: Path

    @property
    def url(self) -> str:
        # The client derives the service principal from the URL's host: HTTP/localhost.
        return f"http://localhost:{self.gateway.port}"


@pytest.fixture(scope="module")
def kerberized(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KerberizedGateway]:
    root = tmp_path_factory.mktemp("kerberos")
    kdc = start_kdc(root / "kdc", (REALM, OTHER))
    try:
        kdc.add_principal(SERVICE)
        keytab = kdc.keytab(SERVICE, root / "http.keytab")
        kdc.add_principal(f"alice@{REALM}")
        kdc.keytab(f"alice@{REALM}", root / "alice.keytab")
        kdc.add_principal(f"mallory@{OTHER}", "mallory-password")
        kdc.trust(OTHER, REALM)
        gateway = start_gateway(
            root / "gateway",
            settings={"auth": "kerberos", "kerberos_principal": SERVICE, "kerberos_keytab": str(keytab)},
            env={"KRB5_CONFIG": kdc.env["KRB5_CONFIG"], "KRB5RCACHEDIR": str(root)},
        )
        try:
            yield KerberizedGateway(kdc, gateway, root)
        finally:
            gateway.stop()
    finally:
        kdc.stop()


def _client_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def test_a_ticket_from_the_gateways_realm_is_accepted(
    kerberized: KerberizedGateway, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _client_env(
        monkeypatch,
        kerberized.kdc.kinit_keytab(
            f"alice@{REALM}", kerberized.root / "alice.keytab", tmp_path / "alice.cc"
        ),
    )
    with LivyClient(kerberized.url, auth=KerberosAuth(mutual_authentication="required")) as client:
        assert client.list_sessions().total == 0


def test_no_ticket_is_a_clear_401(
    kerberized: KerberizedGateway, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _client_env(
        monkeypatch,
        {"KRB5_CONFIG": kerberized.kdc.env["KRB5_CONFIG"], "KRB5CCNAME": f"FILE:{tmp_path / 'empty.cc'}"},
    )
    with (
        LivyClient(kerberized.url, auth=KerberosAuth()) as client,
        pytest.raises(AuthenticationFailed) as caught,
    ):
        client.list_sessions()
    assert caught.value.status == 401
    assert "kinit" in caught.value.server_message
    raw = requests.get(f"{kerberized.url}/sessions", timeout=10)
    assert raw.status_code == 401 and raw.headers["WWW-Authenticate"] == "Negotiate"


def test_a_ticket_from_another_realm_is_refused(
    kerberized: KerberizedGateway, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _client_env(monkeypatch, kerberized.kdc.kinit(f"mallory@{OTHER}", "mallory-password", tmp_path / "m.cc"))
    with (
        LivyClient(kerberized.url, auth=KerberosAuth()) as client,
        pytest.raises(AuthenticationFailed) as caught,
    ):
        client.list_sessions()
    assert caught.value.status == 401
    assert f"mallory@{OTHER} is not in the gateway's realm {REALM}" in caught.value.server_message


def test_basic_or_bearer_credentials_are_not_kerberos(kerberized: KerberizedGateway) -> None:
    reply = requests.get(f"{kerberized.url}/sessions", auth=("alice", "guess"), timeout=10)
    assert reply.status_code == 401 and "kerberos authentication" in reply.json()["msg"]


def test_kernel_with_kerberos_auth_runs_a_cell(
    kerberized: KerberizedGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Remote PySpark kernel, its ticket from a keytab (kinit -kt), runs a statement."""
    ticket = kerberized.kdc.kinit_keytab(
        f"alice@{REALM}", kerberized.root / "alice.keytab", tmp_path / "k.cc"
    )
    prefix = tmp_path / "prefix"
    install_kernel_spec(prefix=str(prefix))
    env = kernel_environment(
        tmp_path / "home", SPARKWIRE_URL=kerberized.url, SPARKWIRE_AUTH="kerberos", **ticket
    )
    kernel = start_kernel([str(prefix / "share" / "jupyter" / "kernels")], env)
    try:
        cell = kernel.run("print(spark.range(7).count() * 6)")
        assert cell.status == "ok", cell.reply
        assert cell.stdout == "42\n"
        _client_env(monkeypatch, ticket)
        with LivyClient(kerberized.url, auth=KerberosAuth()) as client:
            sessions = client.list_sessions().sessions
            assert sessions and [s.owner for s in sessions] == ["alice"] * len(sessions)
    finally:
        kernel.stop()
