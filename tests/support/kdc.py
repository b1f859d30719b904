"""A throwaway MIT Kerberos KDC on loopback, with realms made under a temporary folder.

One ``krb5kdc`` process serves every realm (``-r`` per realm) on a free port; ``kdb5_util`` and
``kadmin.local`` create the databases and principals. Nothing outside the folder is touched: the
environment (``KRB5_CONFIG``, ``KRB5_KDC_PROFILE``, ``KRB5CCNAME``) points every tool at its files.
Needs Debian's krb5-kdc, krb5-admin-server and krb5-user (``scripts/install-kdc.sh``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.gateway_process import free_port

__all__ = ["Kdc", "kdc_available", "start_kdc"]

_TOOLS = ("krb5kdc", "kdb5_util", "kadmin.local", "kinit", "kdestroy")
_SBIN = ("/usr/sbin", "/usr/bin", "/sbin")


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    return found or next((str(Path(d, name)) for d in _SBIN if Path(d, name).exists()), None)


def kdc_available() -> bool:
    """:return: True when the MIT Kerberos tools are installed."""
    return all(_tool(name) for name in _TOOLS)


@dataclass
class Kdc:
    """A running KDC: its folder, port, realms, and the environment that points tools at it."""

    root: Path
    port: int
    realms: tuple[str, ...]
    process: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)

    def run(self, tool: str, *args: str, stdin: str | None = None) -> str:
        """Run a Kerberos tool with this KDC's environment; raises with its output on failure."""
        path = _tool(tool)
        assert path is not None, f"{tool} is not installed"
        result = subprocess.run(
            [path, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, **self.env},
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{tool} {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result.stdout

    def add_principal(self, principal: str, password: str | None = None) -> None:
        """Create ``principal`` (``name@REALM``) with a password, or a random key when None."""
        realm = principal.rpartition("@")[2]
        key = ["-pw", password] if password is not None else ["-randkey"]
        self.run("kadmin.local", "-r", realm, "-q", f"addprinc {' '.join(key)} {principal}")

    def keytab(self, principal: str, path: Path) -> Path:
        """Export ``principal``'s keys into a keytab at ``path``."""
        realm = principal.rpartition("@")[2]
        self.run("kadmin.local", "-r", realm, "-q", f"ktadd -k {path} {principal}")
        return path

    def kinit(self, principal: str, password: str, ccache: Path) -> dict[str, str]:
        """Get a ticket for ``principal`` into ``ccache``.

        :return: the environment a client needs (``KRB5_CONFIG`` and ``KRB5CCNAME``).
        """
        env = {"KRB5_CONFIG": self.env["KRB5_CONFIG"], "KRB5CCNAME": f"FILE:{ccache}"}
        path = _tool("kinit")
        assert path is not None
        subprocess.run(
            [path, principal],
            input=password + "\n",
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, **env},
            check=True,
        )
        return env

    def kinit_keytab(self, principal: str, keytab: Path, ccache: Path) -> dict[str, str]:
        """Get a ticket for ``principal`` from its keytab (as services and CI jobs do); see :meth:`kinit`."""
        env = {"KRB5_CONFIG": self.env["KRB5_CONFIG"], "KRB5CCNAME": f"FILE:{ccache}"}
        path = _tool("kinit")
        assert path is not None
        subprocess.run(
            [path, "-kt", str(keytab), principal],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, **env},
            check=True,
        )
        return env

    def trust(self, client_realm: str, service_realm: str) -> None:
        """Let principals of ``client_realm`` get tickets for services of ``service_realm`` (cross-realm):
        the same ``krbtgt/SERVICE@CLIENT`` key in both realms' databases."""
        principal = f"krbtgt/{service_realm}@{client_realm}"
        for realm in (client_realm, service_realm):
            self.run(
                "kadmin.local", "-r", realm, "-q", f"addprinc -pw cross-realm-password-for-tests {principal}"
            )

    def stop(self) -> None:
        """Stop the KDC process."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _configs(root: Path, port: int, realms: tuple[str, ...]) -> tuple[Path, Path]:
    kdc_realms = "".join(
        f" {r} = {{\n  database_name = {root}/{r}/principal\n  key_stash_file = {root}/{r}/stash\n"
        f"  acl_file = {root}/kadm5.acl\n  kdc_ports = {port}\n  kdc_tcp_ports = {port}\n  max_life = 1h\n"
        f"  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal\n }}\n"
        for r in realms
    )
    kdc_conf = root / "kdc.conf"
    kdc_conf.write_text(
        f"[kdcdefaults]\n kdc_ports = {port}\n kdc_tcp_ports = {port}\n\n"
        f"[realms]\n{kdc_realms}\n[logging]\n kdc = FILE:{root}/kdc.log\n"
    )
    client_realms = "".join(f" {r} = {{\n  kdc = 127.0.0.1:{port}\n }}\n" for r in realms)
    krb5_conf = root / "krb5.conf"
    krb5_conf.write_text(
        f"[libdefaults]\n default_realm = {realms[0]}\n dns_lookup_kdc = false\n dns_lookup_realm = false\n"
        f" dns_canonicalize_hostname = false\n rdns = false\n udp_preference_limit = 1\n"
        f" default_ccache_name = FILE:{root}/default.ccache\n\n"
        f"[realms]\n{client_realms}\n[domain_realm]\n localhost = {realms[0]}\n\n"
        # Direct trust paths between the test realms (not through a common parent realm "TEST").
        f"[capaths]\n"
        + "".join(f" {a} = {{\n" + "".join(f"  {b} = .\n" for b in realms if b != a) + " }\n" for a in realms)
    )
    (root / "kadm5.acl").write_text("")
    return kdc_conf, krb5_conf


def start_kdc(root: Path, realms: tuple[str, ...] = ("SPARKWIRE.TEST",), wait: float = 30.0) -> Kdc:
    """Create ``realms`` under ``root`` and start one KDC serving them on a free loopback port."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    kdc_conf, krb5_conf = _configs(root, port, realms)
    kdc = Kdc(
        root,
        port,
        realms,
        env={
            "KRB5_CONFIG": str(krb5_conf),
            "KRB5_KDC_PROFILE": str(kdc_conf),
            "KRB5CCNAME": f"FILE:{root}/admin.ccache",
        },
    )
    for realm in realms:
        (root / realm).mkdir()
        kdc.run("kdb5_util", "-r", realm, "create", "-s", "-P", "master-password-for-tests")
    krb5kdc = _tool("krb5kdc")
    assert krb5kdc is not None
    log = open(root / "krb5kdc.out", "wb")  # noqa: SIM115 - the KDC writes to it while it runs
    kdc.process = subprocess.Popen(
        [krb5kdc, "-n", *(a for r in realms for a in ("-r", r))],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **kdc.env},
    )
    log.close()
    deadline = time.monotonic() + wait
    import socket

    while time.monotonic() < deadline:
        if kdc.process.poll() is not None:
            raise RuntimeError(f"krb5kdc exited: {(root / 'krb5kdc.out').read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return kdc
        except OSError:
            time.sleep(0.1)
    kdc.stop()
    raise RuntimeError(f"krb5kdc did not listen on {port} within {wait}s")
