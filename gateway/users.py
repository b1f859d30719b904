"""The gateway's users file: who may log in, with salted password hashes and hashed bearer tokens.

The file holds no secret a reader could use: passwords are Argon2id hashes (argon2-cffi), tokens
are SHA-256 digests (they are 256 random bits, so a fast hash is enough). Format::

    {"users": {"alice": {"password": "$argon2id$v=19$...", "tokens": ["sha256:9f86d0..."]}}}

``sparkwire gateway add-user`` writes it; the gateway only reads it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["UserDirectory", "UserEntry", "UsersFileError", "add_user", "hash_token", "new_token"]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_HASHER = PasswordHasher()
# Verifying against this keeps an unknown user as slow as a wrong password (no user enumeration).
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class UsersFileError(ValueError):
    """The users file is missing or malformed; the message names the file and the fix."""


@dataclass(frozen=True)
class UserEntry:
    """One user: an Argon2 password hash (or None) and SHA-256 token digests."""

    password_hash: str | None = None
    token_hashes: tuple[str, ...] = field(default_factory=tuple)


def hash_token(token: str) -> str:
    """:return: the stored form of a bearer token, ``sha256:<hex>``."""
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """:return: a fresh random bearer token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def _parse(path: Path, raw: object) -> dict[str, UserEntry]:
    users = raw.get("users") if isinstance(raw, dict) else None
    if not isinstance(users, dict):
        raise UsersFileError(
            f'Users file {path} must hold {{"users": {{NAME: {{...}}}}}}; '
            f"create it with 'sparkwire gateway add-user --users-file {path} NAME'."
        )
    entries = {}
    for name, data in users.items():
        if not _NAME.fullmatch(str(name)) or not isinstance(data, dict):
            raise UsersFileError(f"Users file {path}: entry {name!r} is not a valid user.")
        tokens = data.get("tokens", [])
        if not isinstance(tokens, list) or not all(
            isinstance(t, str) and t.startswith("sha256:") for t in tokens
        ):
            raise UsersFileError(f"Users file {path}: the tokens of {name!r} must be 'sha256:...' digests.")
        password = data.get("password")
        if password is not None and not (isinstance(password, str) and password.startswith("$argon2")):
            raise UsersFileError(
                f"Users file {path}: the password of {name!r} must be an Argon2 hash; "
                f"set it with 'sparkwire gateway add-user'."
            )
        entries[str(name)] = UserEntry(password, tuple(tokens))
    return entries


def _load(path: Path) -> dict[str, UserEntry]:
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise UsersFileError(
            f"Users file {path} does not exist; create it with "
            f"'sparkwire gateway add-user --users-file {path} NAME'."
        ) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise UsersFileError(f"Users file {path} cannot be read as JSON: {exc}") from None
    return _parse(path, raw)


class UserDirectory:
    """Checks Basic passwords and bearer tokens against a users file (read once, at start).

    An Argon2 check costs tens of milliseconds and 64 MiB by design, and Livy clients poll with
    Basic credentials on every request; so a password that passed is remembered for ``remember_seconds``
    as an HMAC under a key made for this process (never stored, never the password itself).

    :param users: the entries by user name.
    :param remember_seconds: how long a verified password skips the Argon2 check.
    """

    def __init__(self, users: dict[str, UserEntry], remember_seconds: float = 900.0) -> None:
        self._users = users
        self._remember_seconds = remember_seconds
        self._key = secrets.token_bytes(32)
        self._verified: dict[str, tuple[bytes, float]] = {}

    def _fingerprint(self, user: str, password: str) -> bytes:
        return hmac.new(self._key, f"{user}\0{password}".encode(), hashlib.sha256).digest()

    def recently_verified(self, user: str, password: str) -> bool:
        """:return: True when this password passed the full check for ``user`` a short while ago."""
        remembered = self._verified.get(user)
        return (
            remembered is not None
            and time.monotonic() < remembered[1]
            and hmac.compare_digest(remembered[0], self._fingerprint(user, password))
        )

    @classmethod
    def from_file(cls, path: Path) -> UserDirectory:
        """:raises UsersFileError: if the file is missing or malformed, or names nobody."""
        users = _load(path)
        if not users:
            raise UsersFileError(
                f"Users file {path} names no user; add one with "
                f"'sparkwire gateway add-user --users-file {path} NAME'."
            )
        return cls(users)

    @property
    def names(self) -> frozenset[str]:
        """:return: every user name in the file."""
        return frozenset(self._users)

    def check_password(self, user: str, password: str) -> bool:
        """:return: True when ``password`` is ``user``'s; as slow for unknown users as for known ones.

        Blocks for the Argon2 check (unless :meth:`recently_verified`): call it off the event loop.
        """
        entry = self._users.get(user)
        stored = entry.password_hash if entry is not None and entry.password_hash else _DUMMY_HASH
        good: bool
        try:
            good = _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            good = False
        good = good and entry is not None and entry.password_hash is not None
        if good:
            self._verified[user] = (
                self._fingerprint(user, password),
                time.monotonic() + self._remember_seconds,
            )
        return good

    def user_for_token(self, token: str) -> str | None:
        """:return: the user owning ``token``, or None; compares every digest in constant time."""
        digest = hash_token(token)
        found = None
        for name, entry in self._users.items():
            for stored in entry.token_hashes:
                if hmac.compare_digest(stored, digest):
                    found = name
        return found


def add_user(path: Path, name: str, password: str | None, *, with_token: bool) -> str | None:
    """Add or update a user in the users file (created with mode 600 if missing).

    :param path: the users file.
    :param name: the user name (letters, digits, ``._@-``).
    :param password: the new password, or None to keep the current one.
    :param with_token: also create a bearer token for the user.
    :return: the new token (shown once, only its digest is stored), or None.
    :raises UsersFileError: for a bad name, an empty password, or a malformed file.
    """
    if not _NAME.fullmatch(name):
        raise UsersFileError(f"User name {name!r} is not valid: use letters, digits and . _ @ - (max 64).")
    if password is not None and not password.strip():
        raise UsersFileError("The password is empty or only whitespace: choose a real one.")
    users = _load(path) if path.exists() else {}
    current = users.get(name, UserEntry())
    token = new_token() if with_token else None
    users[name] = UserEntry(
        password_hash=_HASHER.hash(password) if password is not None else current.password_hash,
        token_hashes=current.token_hashes + ((hash_token(token),) if token else ()),
    )
    body = {
        "users": {
            n: {k: v for k, v in (("password", e.password_hash), ("tokens", list(e.token_hashes))) if v}
            for n, e in sorted(users.items())
        }
    }
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(body, out, indent=2)
        out.write("\n")
    os.replace(temporary, path)
    return token
