"""The gateway's one settings object.

Built once in the CLI entry point from command line > environment > config file > defaults,
validated at start-up, then passed down. Nothing reads configuration anywhere else.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from sparkwire.livy import Secret

from .worker_socket import MAX_SOCKET_PATH

__all__ = ["ENV_PREFIX", "GatewaySettings", "Secret", "SettingsError", "load_settings"]

ENV_PREFIX = "SPARKWIRE_GATEWAY_"


class SettingsError(ValueError):
    """The settings are invalid or unsafe; the message says which setting and what to do."""


@dataclass(frozen=True)
class GatewaySettings:
    """Everything the gateway can be told.

    :param host: address to bind; loopback by default. Any other address requires auth.
    :param port: TCP port (Livy's default is 8998).
    :param master: Spark master for sessions: ``local[*]``, ``spark://h:p``, ``k8s://...``, ``yarn``.
    :param deploy_mode: ``client`` (driver in the session process) is the only mode for sessions.
    :param auth_token: bearer token accepted in ``Authorization: Bearer``.
    :param auth_user: user name for Basic auth (with ``auth_password``).
    :param auth_password: password for Basic auth.
    :param csrf_protection: require ``X-Requested-By`` on POST/DELETE, as Livy's CSRF filter does.
    :param max_sessions: sessions alive at once; creating one more is a 400.
    :param idle_timeout: seconds a session may sit idle before it is stopped; 0 disables.
    :param pool_size: ``pyspark`` sessions kept started for create requests that ask for nothing special
        (the warm pool); None means 1 on a loopback bind and 0 elsewhere (see :attr:`warm_pool_size`).
    :param pool_kinds: the kinds the pool keeps ``pool_size`` sessions of: ``pyspark`` (which also serves
        ``sql`` and shared requests) and/or ``spark`` (Scala, its REPL started); each holds a driver JVM.
    :param start_timeout: seconds a session may take to become idle before it is declared dead.
    :param state_retention: seconds a finished session stays listed before it is forgotten.
    :param sql_max_rows: rows a SQL statement returns at most (Livy's ``livy.rsc.sql.num-rows``).
    :param statements_kept: statements remembered per session (Livy keeps 100).
    :param work_dir: where session logs and scratch files go.
    :param spark_conf: extra Spark configuration applied to every session (request conf wins).
    :param python: interpreter for session processes; the gateway's own by default.
    :param impersonation: pass ``proxyUser`` to Spark as ``--proxy-user`` (needs Hadoop proxy-user rights).
    :param batch_dirs: directories local batch files may come from (the batches issue uses it).
    :param recovery: keep state in ``work_dir`` (SQLite) and let sessions outlive a gateway crash, so a
        restarted gateway re-attaches them; off: sessions end with the gateway.
    :param worker_grace: seconds a session process waits for a crashed gateway to come back (recovery on).
    :param max_output_bytes: largest statement output; a larger one becomes an ``OutputTooLarge`` error.
    :param output_spill_bytes: outputs larger than this are written to a file and streamed when served.
    :param auth: ``kerberos`` for SPNEGO; otherwise the mode follows from the credentials given.
    :param auth_token_file: a file holding the bearer token (keeps it off the command line).
    :param users_file: the users file (salted password hashes, token hashes; see ``add-user``).
    :param kerberos_principal: the gateway's SPNEGO principal, ``HTTP/host@REALM``.
    :param kerberos_keytab: the keytab holding that principal's key.
    :param access_control: each user sees and acts on their own sessions and batches only.
    :param superusers: users who see and act on everything, and may impersonate (``proxyUser``).
    :param view_users: users who may see every session and batch.
    :param modify_users: users who may see and act on every session and batch.
    :param allowed_hosts: extra ``Host`` header names accepted on a loopback bind (DNS rebinding).
    :param max_body_size: largest request body in bytes; larger ones get a 413.
    :param ping_interval: seconds between liveness checks of each session process.
    :param liveness_timeout: seconds a session process may leave pings unanswered before it is declared
        dead (stopped or wedged); 0 disables pings.
    :param cancel_grace: seconds a cancelled statement has to stop; after that it is marked cancelled,
        and after twice that a session whose code still does not yield is stopped.
    :param max_batches: batches running at once; more wait in ``starting``.
    :param batch_retention: seconds a finished batch stays listed before it is forgotten.
    """

    host: str = "127.0.0.1"
    port: int = 8998
    master: str = "local[*]"
    deploy_mode: str = "client"
    auth_token: Secret | None = None
    auth_user: str | None = None
    auth_password: Secret | None = None
    csrf_protection: bool = False
    max_sessions: int = 8
    pool_size: int | None = None
    pool_kinds: tuple[str, ...] = ("pyspark",)
    idle_timeout: float = 3600.0
    start_timeout: float = 180.0
    state_retention: float = 600.0
    sql_max_rows: int = 1000
    statements_kept: int = 100
    work_dir: Path = field(default_factory=lambda: Path.home() / ".sparkwire" / "gateway")
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    python: str | None = None
    impersonation: bool = False
    batch_dirs: tuple[Path, ...] = ()
    recovery: bool = True
    worker_grace: float = 600.0
    max_output_bytes: int = 64 * 1024 * 1024
    output_spill_bytes: int = 1024 * 1024
    auth: str | None = None
    auth_token_file: Path | None = None
    users_file: Path | None = None
    kerberos_principal: str | None = None
    kerberos_keytab: Path | None = None
    access_control: bool = True
    superusers: tuple[str, ...] = ()
    view_users: tuple[str, ...] = ()
    modify_users: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    max_body_size: int = 16 * 1024 * 1024
    ping_interval: float = 2.0
    liveness_timeout: float = 120.0
    cancel_grace: float = 10.0
    max_batches: int = 4
    batch_retention: float = 86400.0

    @property
    def warm_pool_size(self) -> int:
        """:return: the pool size in effect: ``pool_size``, or 1 on a loopback bind and 0 elsewhere
        (a shared gateway's memory belongs to its users' sessions until its admin says otherwise)."""
        if self.pool_size is not None:
            return self.pool_size
        return 1 if is_loopback(self.host) else 0

    @property
    def auth_mode(self) -> str:
        """:return: ``"kerberos"``, ``"users"``, ``"token"``, ``"basic"`` or ``"none"``."""
        if self.auth == "kerberos":
            return "kerberos"
        if self.users_file is not None:
            return "users"
        if self.auth_token is not None:
            return "token"
        if self.auth_user is not None and self.auth_password is not None:
            return "basic"
        return "none"

    def validate(self) -> GatewaySettings:
        """Refuse unsafe or impossible combinations.

        :return: self, so calls can be chained.
        :raises SettingsError: naming the setting and the fix.
        """
        if not 0 < self.port < 65536:
            raise SettingsError(f"port {self.port} is not a TCP port (1-65535).")
        if (self.auth_user is None) != (self.auth_password is None):
            raise SettingsError("Basic auth needs both auth_user and auth_password.")
        check_secret("auth_token", self.auth_token, token=True)
        check_secret("auth_password", self.auth_password, token=False)
        if self.auth not in (None, "kerberos"):
            raise SettingsError(
                f"auth {self.auth!r} is not a mode: use 'kerberos', or give a token, "
                f"a users file or Basic credentials."
            )
        if self.auth == "kerberos" and (not self.kerberos_principal or self.kerberos_keytab is None):
            raise SettingsError(
                "Kerberos auth needs --kerberos-principal HTTP/host@REALM and --kerberos-keytab FILE."
            )
        if (
            self.kerberos_keytab is not None
            and self.auth == "kerberos"
            and not self.kerberos_keytab.is_file()
        ):
            raise SettingsError(f"Kerberos keytab {self.kerberos_keytab} does not exist.")
        if self.max_body_size < 1024:
            raise SettingsError("max_body_size must be at least 1024 bytes.")
        if not is_loopback(self.host) and self.auth_mode == "none":
            raise SettingsError(
                f"Refusing to listen on {self.host}: beyond loopback the gateway requires auth. "
                f"Set a token ({ENV_PREFIX}AUTH_TOKEN or --auth-token-file), a users file (--users-file), "
                f"Kerberos (--auth kerberos), or bind 127.0.0.1."
            )
        if self.max_sessions < 1:
            raise SettingsError("max_sessions must be at least 1.")
        if self.pool_size is not None and not 0 <= self.pool_size <= 64:
            raise SettingsError(f"pool_size must be between 0 (no warm pool) and 64, not {self.pool_size}.")
        unknown = [kind for kind in self.pool_kinds if kind not in ("pyspark", "spark")]
        if unknown or len(set(self.pool_kinds)) != len(self.pool_kinds):
            raise SettingsError(
                f"pool_kinds must list pyspark and/or spark, each once (e.g. pyspark,spark), "
                f"not {','.join(self.pool_kinds)!r}."
            )
        if self.worker_grace < 0 or self.max_output_bytes < 1 or self.output_spill_bytes < 0:
            raise SettingsError(
                "worker_grace and output_spill_bytes must be zero or positive, max_output_bytes at least 1."
            )
        deepest = os.fsencode(
            self.work_dir.expanduser().absolute()
            / "sockets"
            / ("pool-00000000.sock" if self.warm_pool_size else "9999999999.sock")
        )
        if len(deepest) > MAX_SOCKET_PATH:
            raise SettingsError(
                f"work_dir {self.work_dir} is too deep for session sockets (the OS allows "
                f"{MAX_SOCKET_PATH} bytes): choose a shorter --work-dir."
            )
        if self.ping_interval <= 0 or self.cancel_grace <= 0:
            raise SettingsError("ping_interval and cancel_grace must be positive numbers of seconds.")
        if self.liveness_timeout < 0:
            raise SettingsError("liveness_timeout must be 0 (no pings) or a positive number of seconds.")
        if 0 < self.liveness_timeout <= self.ping_interval:
            raise SettingsError("liveness_timeout must be longer than ping_interval, or 0 to disable pings.")
        if self.max_batches < 1:
            raise SettingsError("max_batches must be at least 1.")
        if self.deploy_mode != "client":
            raise SettingsError(
                "Interactive sessions run their driver in the gateway host: deploy_mode must be 'client'."
            )
        return self


def check_secret(name: str, secret: Secret | None, *, token: bool) -> None:
    """Refuse an empty or whitespace secret, and a token a header could not carry unchanged.

    :raises SettingsError: naming the setting.
    """
    if secret is None:
        return
    value = secret.reveal()
    if not value.strip():
        raise SettingsError(
            f"{name} is empty or only whitespace: that would let anyone in. "
            f"Set a real value (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')."
        )
    if token and not _TOKEN68.fullmatch(value):
        raise SettingsError(
            f"{name} may hold only ASCII letters, digits and -._~+/ (an HTTP token), "
            f"e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'."
        )


# RFC 7235 token68: what an Authorization header can carry without quoting or whitespace.
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def is_loopback(host: str) -> bool:
    """:return: True when ``host`` names only this machine."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _to_bool(value: Any) -> bool:
    """Booleans from JSON as they are; from the environment ``1/true/yes/on`` (any case) mean true."""
    return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")


def _names(value: Any) -> tuple[str, ...]:
    """A list of names from JSON, or a comma-separated string from the environment or command line."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(str(item).strip() for item in items if str(item).strip())


_CONVERTERS: dict[str, Any] = {
    "port": int,
    "max_sessions": int,
    "pool_size": int,
    "pool_kinds": lambda v: tuple(name.lower() for name in _names(v)),
    "sql_max_rows": int,
    "statements_kept": int,
    "max_output_bytes": int,
    "output_spill_bytes": int,
    "worker_grace": float,
    "recovery": _to_bool,
    "idle_timeout": float,
    "start_timeout": float,
    "state_retention": float,
    "ping_interval": float,
    "liveness_timeout": float,
    "cancel_grace": float,
    "max_batches": int,
    "batch_retention": float,
    "csrf_protection": _to_bool,
    "impersonation": _to_bool,
    "auth_token": lambda v: Secret(str(v)),
    "auth_password": lambda v: Secret(str(v)),
    "work_dir": lambda v: Path(str(v)).expanduser(),
    "spark_conf": lambda v: {str(k): str(x) for k, x in dict(v).items()},
    "access_control": _to_bool,
    "max_body_size": int,
    "auth_token_file": lambda v: Path(str(v)).expanduser(),
    "users_file": lambda v: Path(str(v)).expanduser(),
    "kerberos_keytab": lambda v: Path(str(v)).expanduser(),
    "superusers": _names,
    "view_users": _names,
    "modify_users": _names,
    "allowed_hosts": _names,
    "batch_dirs": lambda v: tuple(
        Path(p).expanduser().resolve() for p in (v.split(os.pathsep) if isinstance(v, str) else v)
    ),
}


def _convert(name: str, value: Any) -> Any:
    try:
        return _CONVERTERS.get(name, str)(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"Setting {name!r} has an invalid value: {exc}") from None


def _from_file(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise SettingsError(f"Config file {path} does not exist.") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise SettingsError(f"Config file {path} is not valid JSON: {exc}") from None
    # A sparkwire config file keeps gateway settings under "gateway"; a bare object is accepted too.
    section = raw.get("gateway", raw) if isinstance(raw, dict) else None
    if not isinstance(section, dict):
        raise SettingsError(f"Config file {path} must hold a JSON object.")
    _refuse_shared_secret_file(
        path, "Config file", any(k in section for k in ("auth_token", "auth_password"))
    )
    return section


def _refuse_shared_secret_file(path: Path, what: str, holds_secret: bool = True) -> None:
    """A file holding a secret must be readable by its owner only, as ssh insists for keys."""
    if holds_secret and os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SettingsError(
            f"{what} {path} holds a secret and other users can read it: run 'chmod 600 {path}'."
        )


def _read_token_file(path: Path) -> Secret:
    try:
        _refuse_shared_secret_file(path, "Token file")
        return Secret(path.read_text().strip())
    except OSError as exc:
        raise SettingsError(f"Token file {path} cannot be read: {exc.strerror}.") from None


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for f in fields(GatewaySettings):
        key = ENV_PREFIX + f.name.upper()
        if key in environ:
            found[f.name] = json.loads(environ[key]) if f.name == "spark_conf" else environ[key]
    return found


def load_settings(
    cli: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> GatewaySettings:
    """Merge the layers (command line > environment > file > defaults) and validate.

    :param cli: options given on the command line; ``None`` values mean "not given".
    :param environ: the environment to read ``SPARKWIRE_GATEWAY_*`` from (``os.environ`` if None).
    :param config_file: a JSON file of settings (``{"gateway": {...}}`` or a bare object).
    :raises SettingsError: for unknown keys, bad values or unsafe combinations.
    """
    known = {f.name for f in fields(GatewaySettings)}
    merged: dict[str, Any] = {}
    layers = [
        _from_file(config_file) if config_file else {},
        _from_env(os.environ if environ is None else environ),
        {k: v for k, v in (cli or {}).items() if v is not None},
    ]
    for layer in layers:
        unknown = set(layer) - known
        if unknown:
            raise SettingsError(f"Unknown gateway setting(s): {', '.join(sorted(unknown))}.")
        merged.update({k: _convert(k, v) for k, v in layer.items()})
    settings = replace(GatewaySettings(), **merged)
    if settings.auth_token_file is not None:
        if settings.auth_token is not None:
            raise SettingsError("Give the bearer token once: auth_token or auth_token_file, not both.")
        settings = replace(settings, auth_token=_read_token_file(settings.auth_token_file))
    if not settings.batch_dirs:
        settings = replace(settings, batch_dirs=(Path.cwd().resolve(),))
    return settings.validate()
