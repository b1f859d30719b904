"""Who may see and act on which session or batch, and who may run Spark as someone else.

Livy's model (``livy.server.access-control.*``, ``livy.superusers``):

- the owner (the user who created it) sees and acts on it;
- ``superusers`` see and act on everything, and alone may impersonate;
- ``modify_users`` see and act on everything; ``view_users`` see everything;
- anyone else gets a 403, and lists show only what the caller may see.

With ``access_control`` off, or without auth (loopback, one user), everyone may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import GatewayError
from .settings import GatewaySettings

__all__ = ["AccessPolicy", "Forbidden"]


class Forbidden(GatewayError):
    """The caller is authenticated but not allowed to do this."""

    status_code = 403


@dataclass(frozen=True)
class AccessPolicy:
    """The access rules of one gateway, from its settings.

    :param enabled: False lets every caller do everything (no auth, or access control off).
    :param impersonation: whether ``proxyUser``/``doAs`` reach Spark (``--proxy-user``).
    """

    enabled: bool
    impersonation: bool
    superusers: frozenset[str] = frozenset()
    view_users: frozenset[str] = frozenset()
    modify_users: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> AccessPolicy:
        """:return: the policy; enabled when users are told apart (``users``/``basic``/``kerberos``)."""
        enabled = settings.access_control and settings.auth_mode in ("users", "basic", "kerberos")
        return cls(
            enabled,
            settings.impersonation,
            frozenset(settings.superusers),
            frozenset(settings.view_users),
            frozenset(settings.modify_users),
        )

    def can_view(self, user: str | None, owner: str | None) -> bool:
        """:return: True when ``user`` may see a session or batch of ``owner``."""
        return self.can_modify(user, owner) or user in self.view_users

    def can_modify(self, user: str | None, owner: str | None) -> bool:
        """:return: True when ``user`` may act on (run code in, cancel, delete) one of ``owner``'s."""
        if not self.enabled:
            return True
        return user is not None and (user == owner or user in self.superusers or user in self.modify_users)

    def check_view(self, user: str | None, owner: str | None, what: str) -> None:
        """:raises Forbidden: naming the rule, if ``user`` may not see ``what``."""
        if not self.can_view(user, owner):
            raise Forbidden(
                f"User '{user}' may not see {what}: it belongs to another user. Only its owner, "
                f"superusers, view_users and modify_users may."
            )

    def check_modify(self, user: str | None, owner: str | None, what: str) -> None:
        """:raises Forbidden: naming the rule, if ``user`` may not act on ``what``."""
        if not self.can_modify(user, owner):
            raise Forbidden(
                f"User '{user}' may not change {what}: it belongs to another user. Only its owner, "
                f"superusers and modify_users may."
            )

    def proxy_user(self, user: str | None, requested: str | None) -> str | None:
        """Decide the user Spark runs as for a ``proxyUser`` (body) or ``doAs`` (query) request.

        :return: the proxy user to record and pass on (None when none was asked for).
        :raises Forbidden: running as another user needs impersonation on and a superuser caller.
        """
        if not requested or requested == user:  # "" is what some clients send for "nobody in particular"
            return requested or None
        if not self.impersonation:
            raise Forbidden(
                f"Running as '{requested}' (proxyUser/doAs) is refused: impersonation is off on "
                f"this gateway (setting impersonation). Leave proxyUser out to run as yourself."
            )
        if self.enabled and user not in self.superusers:
            raise Forbidden(
                f"User '{user}' may not run as '{requested}' (proxyUser/doAs): only superusers "
                f"may impersonate other users."
            )
        return requested
