"""Recognise the kernel's own magics in a cell and parse their flags.

A cell whose first non-blank line is ``%%NAME`` or ``%NAME`` with NAME one of :data:`MAGICS` is a
kernel command; anything else (including the remote REPL's own ``%json``, ``%table``, ``%matplot``)
runs remotely. Flags are parsed with :mod:`argparse` made to raise :class:`UsageError` instead of
exiting, so bad usage becomes a one-line message with the usage text, not a traceback.
"""

from __future__ import annotations

import argparse
import re
import shlex
from dataclasses import dataclass
from typing import Any, Final, NoReturn

from sparkwire.engine.sql.flags import add_fetch_flags, add_send_to_spark_flags

__all__ = [
    "MAGICS",
    "REMOTE_MAGICS",
    "Command",
    "UsageError",
    "brackets_status",
    "help_bundle",
    "parse_arguments",
    "parse_cell",
]


class UsageError(Exception):
    """A kernel magic was used wrongly; the message holds the usage line and what was wrong."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.format_usage().strip()}\n{self.prog}: {message}. Run %%help for details.")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise UsageError((message or "").strip() or self.format_usage().strip())


def _parser(prog: str, description: str) -> _Parser:
    return _Parser(prog=prog, description=description, add_help=False, exit_on_error=False)


def _configure() -> _Parser:
    p = _parser(
        "%%configure", "Set the session's settings (Livy's session JSON in the cell, or a profile name)."
    )
    p.add_argument(
        "-f",
        "--force",
        action="store_true",
        help="delete the running session; the next cell starts one with the new settings",
    )
    p.add_argument("profile", nargs="?", help="a session profile from the config file")
    return p


def _add_fetch_flags(p: _Parser) -> None:
    add_fetch_flags(p.add_argument)
    p.set_defaults(samplemethod="take")


def _add_verbose_flag(p: _Parser) -> None:
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="a remote error shows every frame: PySpark's, py4j's and the JVM's too",
    )


def _sql() -> _Parser:
    p = _parser("%%sql", "Run the cell as Spark SQL and show the result as a table.")
    p.add_argument(
        "-o",
        "--output",
        metavar="VAR",
        help="also store the result as a pandas DataFrame in this local variable (use it in %%local cells)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="do not display the result")
    _add_fetch_flags(p)
    return p


def _spark() -> _Parser:
    p = _parser(
        "%%spark",
        "Run the cell in the session (as a plain cell does), with options; -n, -m and -r apply to -o.",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="VAR",
        help="also copy the remote Spark DataFrame VAR into this "
        "kernel as a pandas DataFrame of the same name",
    )
    _add_fetch_flags(p)
    _add_verbose_flag(p)
    return p


def _pretty() -> _Parser:
    p = _parser("%%pretty", "Run the cell; DataFrame.show() tables in its output appear as HTML tables.")
    _add_verbose_flag(p)
    return p


def _send_to_spark() -> _Parser:
    p = _parser(
        "%%send_to_spark",
        "Send a local variable (a pandas DataFrame or a string, from %%local cells) to the session.",
    )
    add_send_to_spark_flags(p.add_argument)
    return p


def _logs() -> _Parser:
    p = _parser("%%logs", "Show the end of the session's log.")
    p.add_argument(
        "-n", "--lines", type=int, default=100, metavar="LINES", help="how many lines (default 100)"
    )
    return p


def _cleanup() -> _Parser:
    p = _parser("%%cleanup", "Delete every session on the endpoint, other people's too.")
    p.add_argument("-f", "--force", action="store_true", help="required: confirm the deletion")
    return p


def _delete() -> _Parser:
    p = _parser("%%delete", "Delete one session of the endpoint by id.")
    p.add_argument(
        "-s", "--session", type=int, required=True, metavar="ID", help="the session id (see %%info)"
    )
    p.add_argument("-f", "--force", action="store_true", help="required: confirm the deletion")
    return p


def _attach() -> _Parser:
    p = _parser("%attach", "Use an existing session of the endpoint instead of this notebook's own.")
    p.add_argument("session", type=int, metavar="ID", help="the session id (see %%info)")
    return p


def _no_arguments(name: str, description: str) -> _Parser:
    return _parser(name, description)


@dataclass(frozen=True)
class _Magic:
    usage: str
    summary: str
    takes_body: bool


MAGICS: Final = {
    "configure": _Magic(
        "%%configure [-f] [PROFILE]",
        "Set the session's settings: Livy's session JSON in "
        "the cell, or a profile from the config file. -f deletes a running session.",
        True,
    ),
    "info": _Magic(
        "%%info", "Show the endpoint, this notebook's session and every session on the endpoint.", False
    ),
    "logs": _Magic("%%logs [-n LINES]", "Show the end of this notebook's session log.", False),
    "cleanup": _Magic("%%cleanup -f", "Delete every session on the endpoint (other people's too).", False),
    "delete": _Magic("%%delete -s ID -f", "Delete the session with this id on the endpoint.", False),
    "attach": _Magic(
        "%attach ID",
        "Use an existing session (shared with other notebooks or people); it is "
        "not deleted when this kernel shuts down.",
        False,
    ),
    "spark": _Magic(
        "%%spark [-o VAR] [-n MAXROWS] [-m take|sample] [-r FRACTION] [-v]",
        "Run the cell in the session, as a plain cell does (-o: then copy the remote DataFrame "
        "VAR into %%local as pandas; -v: remote errors keep every frame).",
        True,
    ),
    "pretty": _Magic(
        "%%pretty [-v]", "Run the cell; the tables DataFrame.show() prints appear as HTML tables.", True
    ),
    "local": _Magic("%%local", "Run the cell in the local Python of this kernel, not in Spark.", True),
    "sql": _Magic(
        "%%sql [-o VAR] [-n MAXROWS] [-m take|sample] [-r FRACTION] [-q]",
        "Run the cell as Spark SQL; show the result as a typed table (-o: also as a pandas "
        "DataFrame in %%local; -n -1: all rows; -q: show nothing).",
        True,
    ),
    "send_to_spark": _Magic(
        "%%send_to_spark -i VAR [-t df|str] -n NAME [-m MAXROWS]",
        "Send the local (%%local) pandas DataFrame or string VAR to the session as NAME.",
        False,
    ),
    "batch": _Magic(
        "%batch VERB ...",
        "Spark batches through Livy's /batches: submit FILE [--wait] "
        "[--conf k=v] [-- ARGS], list, status ID, logs ID [-f], kill ID (as `sparkwire batch`).",
        False,
    ),
    "help": _Magic("%%help", "Show this help.", False),
}
"""The kernel's own magics, by name."""

REMOTE_MAGICS: Final = {
    "matplot": "%matplot plt: show the current matplotlib figure of the remote session.",
    "json": "%json VAR: show a remote variable as JSON.",
    "table": "%table VAR: show a remote list of rows as a table.",
}
"""Magics the remote Livy REPL runs itself; listed by %%help, passed through unchanged."""

_PARSERS: Final = {
    "configure": _configure,
    "sql": _sql,
    "send_to_spark": _send_to_spark,
    "spark": _spark,
    "pretty": _pretty,
    "logs": _logs,
    "cleanup": _cleanup,
    "delete": _delete,
    "attach": _attach,
}

_FIRST_LINE: Final = re.compile(r"^(%%?)([A-Za-z_][\w-]*)(.*)$")


@dataclass(frozen=True)
class Command:
    """A kernel magic found in a cell.

    :param name: the magic's name, without ``%``.
    :param line: the rest of the magic's line (its flags).
    :param body: the rest of the cell.
    """

    name: str
    line: str
    body: str


def parse_cell(code: str) -> Command | None:
    """Find a kernel magic at the top of a cell.

    :param code: the cell.
    :return: the command, or ``None`` if the cell runs remotely as it is.
    :raises UsageError: for an unknown ``%%`` cell magic, or a line magic followed by code.
    """
    stripped = code.lstrip("\n\r\t ")
    first, _, body = stripped.partition("\n")
    match = _FIRST_LINE.match(first.rstrip())
    if match is None:
        return None
    percents, name, line = match.groups()
    if name not in MAGICS:
        if percents == "%%":
            known = ", ".join(f"%%{n}" for n in MAGICS if n != "attach")
            raise UsageError(f"Unknown magic %%{name}. This kernel's magics: {known}, %attach. Run %%help.")
        return None  # e.g. %matplot: the remote REPL runs it
    if not MAGICS[name].takes_body and body.strip():
        raise UsageError(f"{percents}{name} takes no code after it; put the code in another cell.")
    return Command(name=name, line=line.strip(), body=body)


def parse_arguments(command: Command) -> argparse.Namespace:
    """Parse a command's flags.

    :param command: the command.
    :return: the parsed flags (empty for magics without flags).
    :raises UsageError: for unknown or missing flags, with the usage line.
    """
    try:
        words = shlex.split(command.line)
    except ValueError as exc:
        raise UsageError(f"%%{command.name}: cannot parse {command.line!r}: {exc}.") from None
    factory = _PARSERS.get(command.name)
    parser = (
        factory() if factory is not None else _no_arguments(f"%%{command.name}", MAGICS[command.name].summary)
    )
    try:
        return parser.parse_args(words)
    except argparse.ArgumentError as exc:
        parser.error(str(exc))


def help_bundle(kernel: str = "Remote PySpark") -> dict[str, Any]:
    """The ``%%help`` text: each magic's usage and summary, then the remote REPL's magics.

    :param kernel: the kernel's display name.
    :return: a bundle with ``text/html`` and ``text/plain``.
    """
    import html

    rows = [(m.usage, m.summary) for m in MAGICS.values()] + [
        (u.split(":")[0], u.split(": ", 1)[1]) for u in REMOTE_MAGICS.values()
    ]
    width = max(len(u) for u, _ in rows)
    text = f"{kernel} kernel: cells run in a Spark session through Livy. Magics:\n" + "\n".join(
        f"  {u.ljust(width)}  {s}" for u, s in rows
    )
    markup = (
        f"<p>{html.escape(kernel)} kernel: cells run in a Spark session through Livy. Magics:</p><table>"
        + "".join(
            f"<tr><td><code>{html.escape(u)}</code></td><td style='text-align:left'>"
            f"{html.escape(s)}</td></tr>"
            for u, s in rows
        )
        + "</table>"
    )
    return {"text/plain": text, "text/html": markup}


_CLOSING: Final = {")": "(", "]": "[", "}": "{"}


def brackets_status(code: str) -> dict[str, str]:
    """A console's is_complete answer for Scala or R input: incomplete while a bracket or a string is open.

    Quotes are followed (a bracket in ``"..."`` does not count); comments are not, which only makes a
    console ask for one more line.

    :param code: the input so far.
    :return: ``{"status": "complete"}``, ``{"status": "incomplete", "indent": "  "}`` or ``{"status": "invalid"}``.
    """
    stack: list[str] = []
    quote: str | None = None
    escaped = False
    for char in code:
        if quote is not None:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "([{":
            stack.append(char)
        elif char in _CLOSING and (not stack or stack.pop() != _CLOSING[char]):
            return {"status": "invalid"}
    if stack or quote == '"':
        return {"status": "incomplete", "indent": "  "}
    return {"status": "complete"}
