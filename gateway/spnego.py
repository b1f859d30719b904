"""Kerberos over HTTP (SPNEGO, RFC 4559), as Livy's ``livy.server.auth.type = kerberos`` does.

The client sends ``Authorization: Negotiate <base64 GSS token>``; the gateway accepts it with its
service key from a keytab (python-gssapi over MIT Kerberos) and learns the client's principal.
Users are named by the principal's first component (``alice@EXAMPLE.COM`` -> ``alice``); only
principals of the gateway's own realm are accepted, as Hadoop's default ``auth_to_local`` rule does.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SpnegoAcceptor", "SpnegoResult"]


@dataclass(frozen=True)
class SpnegoResult:
    """The outcome of one Negotiate token: the user (None if refused), the reply token, and why not."""

    user: str | None
    reply_token: str | None = None
    error: str | None = None


class SpnegoAcceptor:
    """Accepts SPNEGO tokens for one service principal.

    :param principal: ``HTTP/host@REALM``.
    :param keytab: the keytab holding its key.
    :raises RuntimeError: python-gssapi is missing, or the keytab has no key for the principal.
    """

    def __init__(self, principal: str, keytab: Path) -> None:
        try:
            import gssapi
        except ImportError as exc:
            raise RuntimeError(
                "Kerberos auth needs python-gssapi: pip install 'sparkwire[kerberos]' "
                "(on Debian first: apt-get install libkrb5-dev)."
            ) from exc
        self._gssapi: Any = gssapi
        self._realm = principal.rpartition("@")[2]
        name = gssapi.Name(principal, gssapi.NameType.kerberos_principal)
        try:
            self._creds = gssapi.Credentials(name=name, usage="accept", store={"keytab": str(keytab)})
            self._creds.inquire()  # fails now, not on the first request, when the key is missing
        except gssapi.raw.misc.GSSError as exc:
            raise RuntimeError(f"Cannot use {principal} from keytab {keytab}: {exc.gen_message()}") from None

    def accept(self, token_b64: str) -> SpnegoResult:
        """Check one ``Negotiate`` token (a fresh context each time: HTTP requests are independent)."""
        gssapi = self._gssapi
        try:
            token = base64.b64decode(token_b64, validate=True)
        except (binascii.Error, ValueError):
            return SpnegoResult(None, error="the Negotiate token is not base64")
        context = gssapi.SecurityContext(creds=self._creds, usage="accept")
        try:
            reply = context.step(token)
        except gssapi.raw.misc.GSSError as exc:
            return SpnegoResult(None, error=f"Kerberos rejected the ticket ({exc.gen_message()})")
        if not context.complete:
            return SpnegoResult(None, error="the Negotiate exchange needs more steps than HTTP allows")
        principal = str(context.initiator_name)
        base, _, realm = principal.rpartition("@")
        if realm != self._realm:
            return SpnegoResult(
                None, error=f"principal {principal} is not in the gateway's realm {self._realm}"
            )
        return SpnegoResult(base.split("/")[0], base64.b64encode(reply).decode() if reply else None)
