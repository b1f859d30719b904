"""Kerberos options reach requests-kerberos as configured. (Tickets against a real KDC are tested with
the gateway's Kerberos set-up; here only the mapping, which needs no KDC.)"""

from __future__ import annotations

import sys

import pytest

from sparkwire.livy import KerberosAuth, MissingDependency, auth_from_config

requests_kerberos = pytest.importorskip("requests_kerberos", reason="the kerberos extra is not installed")


def test_every_option_is_passed_to_requests_kerberos() -> None:
    auth = auth_from_config(
        "kerberos",
        options={
            "principal": "alice@EXAMPLE.COM",
            "hostname_override": "knox.example.com",
            "mutual_authentication": "disabled",
            "service": "livy",
            "delegate": True,
        },
    )
    built = auth.requests_auth()
    assert isinstance(built, requests_kerberos.HTTPKerberosAuth)
    assert (built.principal, built.hostname_override, built.service, built.delegate) == (
        "alice@EXAMPLE.COM",
        "knox.example.com",
        "livy",
        True,
    )
    assert built.mutual_authentication == requests_kerberos.DISABLED


def test_defaults_suit_livy_spnego() -> None:
    built = KerberosAuth().requests_auth()
    assert isinstance(built, requests_kerberos.HTTPKerberosAuth)
    assert built.mutual_authentication == requests_kerberos.OPTIONAL and built.service == "HTTP"
    assert built.hostname_override is None and built.principal is None and built.delegate is False


def test_without_requests_kerberos_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "requests_kerberos", None)  # as if it were not installed
    with pytest.raises(MissingDependency, match=r"pip install 'sparkwire\[kerberos\]'"):
        KerberosAuth().requests_auth()
