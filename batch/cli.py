"""``sparkwire batch``: submit, follow, list, inspect and kill batches on a Livy endpoint or the gateway."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from sparkwire.engine.config import EndpointConfig, load_config
from sparkwire.engine.endpoints import make_client
from sparkwire.engine.errors import ConfigError
from sparkwire.livy import BadRequest, Batch, BatchNotFound, BatchSpec, LivyClient, LivyError

from .follow import LogFollower, batch_exit_code, follow_batch

__all__ = ["endpoint_for", "parse_conf", "register"]
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

_EPILOG = """\
examples:
  sparkwire batch submit pi.py --driver-memory 1g --conf spark.sql.shuffle.partitions=8 --wait -- 100
  sparkwire batch submit hdfs:///apps/etl.jar --class com.example.Etl --executor-cores 2
  sparkwire batch list
  sparkwire batch logs 3 -f
  sparkwire batch kill 3

The endpoint is --url or --endpoint NAME (from ~/.sparkwire/config.json), else the configured
default: $SPARKWIRE_URL, else the config file's default endpoint ($SPARKWIRE_ENDPOINT or
default_endpoint), else http://127.0.0.1:8998.
Local files are sent as absolute paths; the server must be able to read them (the gateway accepts
files from its batch_dirs).
"""


def endpoint_for(
    url: str | None, name: str | None, environ: Mapping[str, str] | None = None
) -> EndpointConfig:
    """The endpoint a command talks to, resolved as the kernel and magics resolve theirs.

    :param url: ``--url``: this server (with the config file's credentials only if it is the default
        endpoint's URL; the environment's ``SPARKWIRE_TOKEN`` etc. apply).
    :param name: ``--endpoint``: a named endpoint of the config file.
    :param environ: the environment; ``os.environ`` by default.
    :return: with neither, the default endpoint: ``$SPARKWIRE_URL``, the config file's default, else
        the local gateway at http://127.0.0.1:8998.
    :raises ValueError: for a URL that is not http(s).
    :raises ConfigError: for a bad config file or an unknown endpoint name.
    """
    env = dict(os.environ if environ is None else environ)
    if url is not None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"--url must start with http:// or https://, not {url!r}")
        env["SPARKWIRE_URL"] = url
    return load_config(env).endpoint(name)


def parse_conf(pairs: Sequence[str]) -> dict[str, str]:
    """Parse ``key=value`` items (``--conf``).

    :raises ValueError: for an item without ``=`` or with an empty key.
    """
    conf: dict[str, str] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise ValueError(f"--conf expects KEY=VALUE, not {pair!r}")
        conf[key.strip()] = value
    return conf


def _local_to_absolute(value: str) -> str:
    # A relative path means the caller's directory, which the server cannot know.
    return os.path.abspath(value) if not _SCHEME.match(value) and os.path.exists(value) else value


def _listed(values: Sequence[str] | None) -> list[str] | None:
    if not values:
        return None
    return [_local_to_absolute(item) for value in values for item in value.split(",") if item]


class _VerbParser(argparse.ArgumentParser):
    """Takes everything after the first ``--`` as the application's arguments (``app_args``).

    argparse alone fills an optional positional list at its first chance (right after FILE), so
    ``submit pi.py --wait -- 10`` would leave ``10`` unrecognised.
    """

    def parse_known_args(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        namespace: argparse.Namespace | None = None,
    ) -> tuple[argparse.Namespace, list[str]]:
        items = list(sys.argv[1:] if args is None else args)
        if "--" not in items or not any(action.dest == "app_args" for action in self._actions):
            return super().parse_known_args(items, namespace)
        cut = items.index("--")
        parsed, extras = super().parse_known_args(items[:cut], namespace)
        parsed.app_args = [*(parsed.app_args or []), *items[cut + 1 :]]
        return parsed, extras


def register(subparsers: Any, prog: str | None = None) -> None:
    """Add the ``batch`` subcommand and its verbs.

    :param subparsers: the parent parser's subparsers.
    :param prog: how the command is spelled in usage lines (``sparkwire batch`` by default).
    """
    parser = subparsers.add_parser(
        "batch",
        prog=prog,
        help="submit and follow Spark batch applications (Livy /batches)",
        description="Submit Spark applications through Livy or the sparkwire gateway, follow, list and kill them.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    where = common.add_mutually_exclusive_group()
    where.add_argument(
        "--url",
        help="the Livy server (default: $SPARKWIRE_URL, else the config file's default "
        "endpoint, else http://127.0.0.1:8998)",
    )
    where.add_argument("--endpoint", metavar="NAME", help="a named endpoint of the sparkwire config file")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_VerbParser)
    parser.set_defaults(handler=lambda args: _usage(parser))

    submit = verbs.add_parser(
        "submit",
        parents=[common],
        help="submit an application",
        description="Submit a Python file or jar; with --wait, follow it to the end.",
    )
    submit.add_argument(
        "file", help="the application: a .py file or jar (local path or hdfs://, s3a://, https://)"
    )
    submit.add_argument("app_args", nargs="*", metavar="ARGS", help="arguments of the application (after --)")
    submit.add_argument("--class", dest="class_name", help="main class (for a jar)")
    submit.add_argument("--name", help="a name for the batch")
    submit.add_argument(
        "--conf", action="append", default=[], metavar="KEY=VALUE", help="Spark property (repeatable)"
    )
    submit.add_argument("--driver-memory", help="e.g. 2g")
    submit.add_argument("--driver-cores", type=int)
    submit.add_argument("--executor-memory", help="e.g. 4g")
    submit.add_argument("--executor-cores", type=int)
    submit.add_argument("--num-executors", type=int)
    submit.add_argument("--queue", help="YARN queue")
    submit.add_argument("--py-files", action="append", metavar="FILES", help="comma-separated .py/.zip files")
    submit.add_argument("--jars", action="append", metavar="JARS", help="comma-separated jars")
    submit.add_argument("--files", action="append", metavar="FILES", help="comma-separated files")
    submit.add_argument(
        "--wait",
        action="store_true",
        help="follow the batch: progress and log until it ends; exit code 0 for success, 1 otherwise",
    )
    submit.set_defaults(handler=_with_client(_submit))

    listing = verbs.add_parser("list", parents=[common], help="list batches")
    listing.add_argument("--from", dest="from_", type=int, default=0, help="offset of the first batch")
    listing.add_argument("--size", type=int, default=100, help="how many batches")
    listing.set_defaults(handler=_with_client(_list))

    status = verbs.add_parser("status", parents=[common], help="show one batch")
    status.add_argument("id", help="batch id or name")
    status.set_defaults(handler=_with_client(_status))

    logs = verbs.add_parser("logs", parents=[common], help="print a batch's log")
    logs.add_argument("id", help="batch id or name")
    logs.add_argument(
        "-f", "--follow", action="store_true", help="keep printing new lines until the batch ends"
    )
    logs.set_defaults(handler=_with_client(_logs))

    kill = verbs.add_parser("kill", parents=[common], help="stop a running batch")
    kill.add_argument("id", help="batch id or name")
    kill.set_defaults(handler=_with_client(_kill))


def run_batch_command(words: Sequence[str], *, prog: str) -> int:
    """Run one ``batch`` verb line, exactly as ``sparkwire batch`` does, for notebook magics.

    Output goes to ``sys.stdout``/``sys.stderr`` (the cell's output in a notebook); usage errors and
    ``--help`` print as they do on the command line instead of exiting.

    :param words: the verb and its options, e.g. ``["submit", "pi.py", "--wait", "--", "10"]``.
    :param prog: how the magic is spelled in usage lines, e.g. ``"%spark batch"``.
    :return: the exit code: 0 for success, 1 for a batch that ended dead or killed, 2 for errors.
    """
    parser = argparse.ArgumentParser(prog=prog, add_help=False)
    register(parser.add_subparsers(dest="command"), prog=prog)
    try:
        args = parser.parse_args(["batch", *words])
    except SystemExit as stop:  # argparse printed the usage or the help already
        return stop.code if isinstance(stop.code, int) else 2
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _say(message: str, stream: TextIO | None = None) -> None:
    print(message, file=stream or sys.stderr, flush=True)


def _one_line(error: BaseException | str) -> str:
    return " ".join(str(error).split())


def _with_client(
    verb: Callable[[LivyClient, argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Run a verb with a client; every expected failure becomes one line on stderr, never a traceback."""

    def handler(args: argparse.Namespace) -> int:
        url = args.url
        try:
            endpoint = endpoint_for(args.url, args.endpoint)
            url = endpoint.url
            args.endpoint_proxy_user = endpoint.session_proxy_user()
            with make_client(endpoint) as client:
                return verb(client, args)
        except BadRequest as exc:
            # The server's own words, whole: the livy error shortens them, and they say what to fix.
            _say(f"sparkwire batch: {url} refused the request: {_one_line(exc.server_message or str(exc))}")
            return 2
        except (LivyError, ConfigError, ValueError) as exc:
            _say(f"sparkwire batch: {_one_line(exc)}")
            return 2
        except KeyboardInterrupt:
            _say(
                "sparkwire batch: interrupted; a submitted batch keeps running (sparkwire batch kill ID stops it)"
            )
            return 130

    return handler


def _progress(batch: Batch, elapsed: float) -> None:
    app = f" · {batch.app_id}" if batch.app_id else ""
    _say(f"[batch {batch.id}] {batch.state.value} · {elapsed:.0f}s{app}")


def _print_line(line: str) -> None:
    print(line, flush=True)


def _submit(client: LivyClient, args: argparse.Namespace) -> int:
    spec = BatchSpec(
        file=_local_to_absolute(args.file),
        class_name=args.class_name,
        args=args.app_args or None,
        name=args.name,
        conf=parse_conf(args.conf) or None,
        driver_memory=args.driver_memory,
        driver_cores=args.driver_cores,
        executor_memory=args.executor_memory,
        executor_cores=args.executor_cores,
        num_executors=args.num_executors,
        queue=args.queue,
        py_files=_listed(args.py_files),
        jars=_listed(args.jars),
        files=_listed(args.files),
        # The endpoint's proxy_user, placeholders filled.
        proxy_user=getattr(args, "endpoint_proxy_user", None),
    )
    batch = client.create_batch(spec)
    if not args.wait:
        print(
            f"batch {batch.id} submitted ({batch.state.value}); follow it with: sparkwire batch logs {batch.id} -f"
        )
        return 0
    _say(f"[batch {batch.id}] submitted")
    final = follow_batch(client, batch.id, on_line=_print_line, on_state=_progress)
    return batch_exit_code(final)


def _list(client: LivyClient, args: argparse.Namespace) -> int:
    page = client.list_batches(args.from_, args.size)
    rows = [("ID", "STATE", "NAME", "APP ID")]
    rows += [(str(b.id), b.state.value, b.name or "-", b.app_id or "-") for b in page.batches]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
    if page.total > page.from_ + len(page.batches):
        _say(
            f"({len(page.batches)} of {page.total} shown; see more with --from {page.from_ + len(page.batches)})"
        )
    return 0


def _status(client: LivyClient, args: argparse.Namespace) -> int:
    batch = client.get_batch(args.id)
    print(f"batch {batch.id}: {batch.state.value}")
    for label, value in (
        ("name", batch.name),
        ("app id", batch.app_id),
        ("spark ui", batch.app_info.spark_ui_url),
        ("driver log", batch.app_info.driver_log_url),
        ("owner", batch.owner),
        ("proxy user", batch.proxy_user),
    ):
        if value:
            print(f"  {label}: {value}")
    if batch.log:
        print("  last log lines:")
        for line in batch.log:
            print(f"    {line}")
    return 0


def _logs(client: LivyClient, args: argparse.Namespace) -> int:
    if args.follow:
        final = follow_batch(client, args.id, on_line=_print_line)
        return batch_exit_code(final)
    for line in LogFollower(lambda f, s: client.batch_log(args.id, f, s)).poll():
        print(line)
    return 0


def _kill(client: LivyClient, args: argparse.Namespace) -> int:
    batch = client.get_batch(args.id)
    if batch.is_final:
        # DELETE on a finished batch would make the server forget it; nothing is left to stop.
        print(f"batch {batch.id} already ended ({batch.state.value}); nothing to kill")
        return 0
    client.delete_batch(batch.id)
    try:
        state = client.get_batch(batch.id).state.value
    except BatchNotFound:
        state = "killed and removed by the server"
    print(f"batch {batch.id} {state}")
    return 0
