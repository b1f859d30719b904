"""``sparkwire gateway``: start the Livy-compatible gateway."""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

from .settings import ENV_PREFIX, SettingsError, load_settings

__all__ = ["register"]

_EPILOG = f"""\
examples:
  sparkwire gateway                                  # local[*] on 127.0.0.1:8998
  sparkwire gateway --master spark://10.0.0.5:7077   # in front of a standalone cluster
  sparkwire gateway --host 0.0.0.0 --auth-token "$TOKEN"   # beyond loopback auth is required

Every option can also be set as {ENV_PREFIX}<OPTION> (e.g. {ENV_PREFIX}PORT=9000) or in the
--config JSON file ({{"gateway": {{"port": 9000, "spark_conf": {{"spark.executor.memory": "2g"}}}}}}).
Precedence: command line > environment > file > defaults.
"""


def register(subparsers: Any) -> None:
    """Add the ``gateway`` subcommand."""
    parser = subparsers.add_parser(
        "gateway", help="run the Livy-compatible gateway (sessions on real PySpark)",
        description="Serve the Apache Livy REST API, backed by PySpark: one process per session.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; anything else needs auth)")
    parser.add_argument("--port", type=int, help="TCP port (default 8998)")
    parser.add_argument("--master", help="Spark master: local[*] (default), spark://H:P, k8s://https://H:P, yarn")
    parser.add_argument("--config", type=Path, help="JSON settings file")
    parser.add_argument("--auth-token", help=f"require 'Authorization: Bearer TOKEN' (prefer {ENV_PREFIX}AUTH_TOKEN)")
    parser.add_argument("--auth-user", help="require Basic auth with this user (password from "
                                            f"{ENV_PREFIX}AUTH_PASSWORD)")
    parser.add_argument("--csrf", dest="csrf_protection", action="store_true", default=None,
                        help="require X-Requested-By on POST/DELETE, like Livy's CSRF protection")
    parser.add_argument("--max-sessions", type=int, help="sessions alive at once (default 8)")
    parser.add_argument("--idle-timeout", type=float, help="seconds before an idle session is stopped "
                                                           "(default 3600; 0 = never)")
    parser.add_argument("--work-dir", type=Path, help="where session logs go (default ~/.sparkwire/gateway)")
    parser.add_argument("--batch-dir", dest="batch_dirs", type=Path, action="append", metavar="DIR",
                        help="a directory batches may take local files from; repeat for more "
                             "(default: the directory the gateway starts in)")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    parser.set_defaults(handler=_run)


# What `pip install "sparkwire[gateway]"` adds to the light client; pyspark is imported only by the
# session processes, so it is looked for rather than imported.
_GATEWAY_MODULES = ("fastapi", "uvicorn", "pydantic", "pyspark")
_INSTALL_GATEWAY = 'pip install "sparkwire[gateway]"'


def missing_extra_message(module: str | None) -> str:
    """The message for a gateway started without its extra installed.

    :param module: the module that is missing.
    :return: one line naming it and the command that installs it.
    """
    return (f"sparkwire gateway: {module or 'a dependency'} is not installed. The gateway is an optional "
            f"part of sparkwire; install it into this environment with: {_INSTALL_GATEWAY}")


def _missing_gateway_module() -> str | None:
    return next((name for name in _GATEWAY_MODULES if importlib.util.find_spec(name) is None), None)


def _run(args: argparse.Namespace) -> int:
    missing = _missing_gateway_module()
    if missing is not None:
        print(missing_extra_message(missing), file=sys.stderr)
        return 2
    if shutil.which("java") is None and not _java_home_set():
        print("sparkwire gateway: Java was not found. Spark needs Java 17 or 21: install it "
              "(Debian/Ubuntu: 'sudo apt-get install openjdk-17-jre-headless') or set JAVA_HOME.",
              file=sys.stderr)
        return 2
    cli: dict[str, Any] = {
        "host": args.host, "port": args.port, "master": args.master, "auth_token": args.auth_token,
        "auth_user": args.auth_user, "csrf_protection": args.csrf_protection,
        "max_sessions": args.max_sessions, "idle_timeout": args.idle_timeout, "work_dir": args.work_dir,
        "batch_dirs": args.batch_dirs,
    }
    try:
        settings = load_settings(cli, config_file=args.config)
    except SettingsError as exc:
        print(f"sparkwire gateway: {exc}", file=sys.stderr)
        return 2
    try:
        from .server import serve
    except ModuleNotFoundError as exc:  # e.g. a broken install of one of the extra's dependencies
        print(missing_extra_message(exc.name), file=sys.stderr)
        return 2
    serve(settings, log_level=args.log_level)
    return 0


def _java_home_set() -> bool:
    import os

    home = os.environ.get("JAVA_HOME")
    return home is not None and Path(home, "bin", "java").exists()
