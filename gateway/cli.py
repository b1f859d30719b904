"""``sparkwire gateway``: start the Livy-compatible gateway."""

from __future__ import annotations

import argparse
import getpass
import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

from .secrets_scrub import harden_process
from .settings import ENV_PREFIX, SettingsError, load_settings

__all__ = ["register"]

_EPILOG = f"""\
examples:
  sparkwire gateway                                  # local[*] on 127.0.0.1:8998
  sparkwire gateway --master spark://10.0.0.5:7077   # in front of a standalone cluster
  {ENV_PREFIX}AUTH_TOKEN=... sparkwire gateway --host 0.0.0.0   # beyond loopback auth is required
  sparkwire gateway add-user --users-file users.json alice --token   # a team: one login per user
  sparkwire gateway --host 0.0.0.0 --users-file users.json --superuser admin
  sparkwire gateway --host 0.0.0.0 --auth kerberos --kerberos-principal HTTP/$(hostname -f)@EXAMPLE.COM \\
      --kerberos-keytab /etc/security/keytabs/spnego.keytab

Every option can also be set as {ENV_PREFIX}<OPTION> (e.g. {ENV_PREFIX}PORT=9000) or in the
--config JSON file ({{"gateway": {{"port": 9000, "spark_conf": {{"spark.executor.memory": "2g"}}}}}}).
Precedence: command line > environment > file > defaults.
"""


def register(subparsers: Any) -> None:
    """Add the ``gateway`` subcommand."""
    parser = subparsers.add_parser(
        "gateway",
        help="run the Livy-compatible gateway (sessions on real PySpark)",
        description="Serve the Apache Livy REST API, backed by PySpark: one process per session.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; anything else needs auth)")
    parser.add_argument("--port", type=int, help="TCP port (default 8998)")
    parser.add_argument(
        "--master", help="Spark master: local[*] (default), spark://H:P, k8s://https://H:P, yarn"
    )
    parser.add_argument("--config", type=Path, help="JSON settings file")
    parser.add_argument("--auth-token", help=argparse.SUPPRESS)  # refused: see _run
    parser.add_argument(
        "--auth-token-file",
        type=Path,
        metavar="FILE",
        help=f"require 'Authorization: Bearer TOKEN', the token read from FILE (mode 600) "
        f"or from {ENV_PREFIX}AUTH_TOKEN",
    )
    parser.add_argument(
        "--auth-user", help=f"require Basic auth with this user (password from {ENV_PREFIX}AUTH_PASSWORD)"
    )
    parser.add_argument(
        "--users-file",
        type=Path,
        metavar="FILE",
        help="several users: Basic passwords and bearer tokens from FILE (see add-user)",
    )
    parser.add_argument(
        "--auth", choices=["kerberos"], help="kerberos: SPNEGO, like Livy's auth.type=kerberos"
    )
    parser.add_argument(
        "--kerberos-principal", metavar="HTTP/HOST@REALM", help="the gateway's SPNEGO principal"
    )
    parser.add_argument(
        "--kerberos-keytab", type=Path, metavar="FILE", help="keytab with that principal's key"
    )
    parser.add_argument(
        "--superuser",
        dest="superusers",
        action="append",
        metavar="USER",
        help="a user who sees and acts on every session and batch, and may impersonate; repeat",
    )
    parser.add_argument(
        "--impersonation",
        action="store_true",
        default=None,
        help="run sessions as proxyUser/doAs (spark-submit --proxy-user; superusers only)",
    )
    parser.add_argument(
        "--max-body-size", type=int, metavar="BYTES", help="largest request body (default 16 MiB)"
    )
    parser.add_argument(
        "--csrf",
        dest="csrf_protection",
        action="store_true",
        default=None,
        help="require X-Requested-By on POST/DELETE, like Livy's CSRF protection",
    )
    parser.add_argument("--max-sessions", type=int, help="sessions alive at once (default 8)")
    parser.add_argument(
        "--pool-size",
        type=int,
        metavar="N",
        help="sessions kept started per pool kind for plain create requests (default 1 on a "
        "loopback bind, 0 elsewhere)",
    )
    parser.add_argument(
        "--pool-kinds",
        metavar="KINDS",
        help="kinds the warm pool keeps, comma-separated: pyspark (also serves sql and shared "
        "requests), spark (Scala); default pyspark",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        help="seconds before an idle session is stopped (default 3600; 0 = never)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        help="state, session logs and batch records (default ~/.sparkwire/gateway); one gateway per work dir",
    )
    parser.add_argument(
        "--batch-dir",
        dest="batch_dirs",
        type=Path,
        action="append",
        metavar="DIR",
        help="a directory batches may take local files from; repeat for more "
        "(default: the directory the gateway starts in)",
    )
    parser.add_argument(
        "--recovery",
        choices=["on", "off"],
        help="on (default): sessions survive a gateway crash and a restart on the same "
        "--work-dir re-attaches them; off: sessions end with the gateway",
    )
    parser.add_argument(
        "--worker-grace",
        type=float,
        metavar="SECONDS",
        help="seconds a session waits for a crashed gateway to come back (default 600)",
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    parser.set_defaults(handler=_run)
    commands = parser.add_subparsers(dest="gateway_command", metavar="COMMAND")
    add_user = commands.add_parser(
        "add-user",
        help="add a user to a users file, or change their password or add a token",
        description="Add or update a user in the gateway's users file (salted Argon2 password hashes, "
        "token digests; created with mode 600). The password is asked for, or read from stdin "
        "with --password-stdin; --token prints a new bearer token once.",
    )
    add_user.add_argument("name", help="the user name")
    add_user.add_argument("--users-file", type=Path, required=True, metavar="FILE")
    add_user.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add_user.add_argument("--no-password", action="store_true", help="token only: set or keep no password")
    add_user.add_argument("--token", action="store_true", help="create a bearer token and print it")
    add_user.set_defaults(handler=_add_user)


def _add_user(args: argparse.Namespace) -> int:
    from .users import UsersFileError, add_user

    password: str | None = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not args.no_password:
        password = getpass.getpass(f"Password for {args.name}: ")
        if password != getpass.getpass("Again: "):
            print("sparkwire gateway add-user: the passwords differ; nothing changed.", file=sys.stderr)
            return 2
    try:
        token = add_user(args.users_file, args.name, password, with_token=args.token)
    except UsersFileError as exc:
        print(f"sparkwire gateway add-user: {exc}", file=sys.stderr)
        return 2
    print(f"{args.name} saved in {args.users_file}.", file=sys.stderr)
    if token is not None:
        print("Bearer token (shown only now; the file keeps its digest):", file=sys.stderr)
        print(token)
    return 0


# What `pip install "sparkwire[gateway]"` adds to the light client; pyspark is imported only by the
# session processes, so it is looked for rather than imported.
_GATEWAY_MODULES = ("fastapi", "uvicorn", "pydantic", "pyspark")
_INSTALL_GATEWAY = 'pip install "sparkwire[gateway]"'


def missing_extra_message(module: str | None) -> str:
    """The message for a gateway started without its extra installed.

    :param module: the module that is missing.
    :return: one line naming it and the command that installs it.
    """
    return (
        f"sparkwire gateway: {module or 'a dependency'} is not installed. The gateway is an optional "
        f"part of sparkwire; install it into this environment with: {_INSTALL_GATEWAY}"
    )


def _missing_gateway_module() -> str | None:
    return next((name for name in _GATEWAY_MODULES if importlib.util.find_spec(name) is None), None)


def _run(args: argparse.Namespace) -> int:
    missing = _missing_gateway_module()
    if missing is not None:
        print(missing_extra_message(missing), file=sys.stderr)
        return 2
    if shutil.which("java") is None and not _java_home_set():
        print(
            "sparkwire gateway: Java was not found. Spark needs Java 17 or 21: install it "
            "(Debian/Ubuntu: 'sudo apt-get install openjdk-17-jre-headless') or set JAVA_HOME.",
            file=sys.stderr,
        )
        return 2
    if args.auth_token is not None:
        print(
            f"sparkwire gateway: --auth-token puts the token on the command line, where every local user "
            f"can read it (ps, /proc). Set {ENV_PREFIX}AUTH_TOKEN or use --auth-token-file FILE.",
            file=sys.stderr,
        )
        return 2
    cli: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "master": args.master,
        "auth_token_file": args.auth_token_file,
        "auth_user": args.auth_user,
        "csrf_protection": args.csrf_protection,
        "max_sessions": args.max_sessions,
        "pool_size": args.pool_size,
        "pool_kinds": args.pool_kinds,
        "idle_timeout": args.idle_timeout,
        "work_dir": args.work_dir,
        "batch_dirs": args.batch_dirs,
        "recovery": args.recovery,
        "worker_grace": args.worker_grace,
        "users_file": args.users_file,
        "auth": args.auth,
        "kerberos_principal": args.kerberos_principal,
        "kerberos_keytab": args.kerberos_keytab,
        "superusers": args.superusers,
        "impersonation": args.impersonation,
        "max_body_size": args.max_body_size,
    }
    from .auth import build_authenticator
    from .users import UsersFileError

    try:
        settings = load_settings(cli, config_file=args.config)
        authenticator = build_authenticator(settings)
    except (SettingsError, UsersFileError, RuntimeError) as exc:
        print(f"sparkwire gateway: {exc}", file=sys.stderr)
        return 2
    # The settings are read: nothing below needs the secrets in the environment any more.
    harden_process(ENV_PREFIX)
    try:
        from .server import serve
    except ModuleNotFoundError as exc:  # e.g. a broken install of one of the extra's dependencies
        print(missing_extra_message(exc.name), file=sys.stderr)
        return 2
    from .work_dir_lock import WorkDirBusy, lock_work_dir

    try:
        lock = lock_work_dir(settings.work_dir)
    except WorkDirBusy as exc:
        print(f"sparkwire gateway: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"sparkwire gateway: cannot use the work dir {settings.work_dir} ({exc.strerror or exc}); "
            f"choose another with --work-dir.",
            file=sys.stderr,
        )
        return 2
    try:
        serve(settings, log_level=args.log_level, authenticator=authenticator)
    finally:
        lock.release()
    return 0


def _java_home_set() -> bool:
    import os

    home = os.environ.get("JAVA_HOME")
    return home is not None and Path(home, "bin", "java").exists()
