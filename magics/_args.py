"""The ``%spark`` flags, in sparkmagic's spelling: argument groups shared by decorators, parsing and checks.

The groups are applied as decorators (as IPython's ``%%script`` shares ``script_args``), so
``%spark?`` lists every flag under its topic. Parsing raises :class:`~IPython.core.error.UsageError`,
which IPython shows as one line without a traceback; a password given with ``-p`` is masked in it.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from typing import Any, Final, Protocol, TypeVar

from IPython.core import magic_arguments as _magic_arguments
from IPython.core.error import UsageError

from sparkwire.engine.sql.flags import add_fetch_flags, add_send_to_spark_flags
from sparkwire.livy import Secret, SessionKind

__all__ = [
    "CONTEXTS",
    "Decorator",
    "cell_args",
    "endpoint_args",
    "language_kind",
    "magic_arguments",
    "mask",
    "parse_line",
    "password_in",
    "send_to_spark_args",
    "session_args",
]

F = TypeVar("F", bound=Callable[..., Any])


class Decorator(Protocol):
    """A decorator that returns the function it is given (IPython's argument decorators)."""

    def __call__(self, func: F, /) -> F:
        """:param func: the magic. :return: the same magic, with parser information attached."""


CONTEXTS: Final = ("spark", "sql")
"""``-c``: run the cell in the session's language, or as Spark SQL."""

_MASK: Final = "********"

_LANGUAGES: Final = {
    "python": SessionKind.PYSPARK,
    "python3": SessionKind.PYSPARK,
    "pyspark": SessionKind.PYSPARK,
    "scala": SessionKind.SPARK,
    "spark": SessionKind.SPARK,
    "r": SessionKind.SPARKR,
    "sparkr": SessionKind.SPARKR,
    "sql": SessionKind.SQL,
}


def magic_arguments() -> Decorator:
    """IPython's ``magic_arguments`` decorator, typed: it builds a magic's parser from its ``argument`` s.

    :return: the decorator.
    """
    decorator: Decorator = _magic_arguments.magic_arguments()  # type: ignore[no-untyped-call]
    return decorator


def argument(*args: Any, **kwargs: Any) -> Decorator:
    """IPython's ``argument`` decorator (``add_argument``'s parameters), typed.

    :param args: the flags.
    :param kwargs: ``help``, ``type``, ``nargs``...
    :return: the decorator.
    """
    decorator: Decorator = _magic_arguments.argument(*args, **kwargs)  # type: ignore[no-untyped-call]
    return decorator


def _group(title: str, description: str) -> Decorator:
    decorator: Decorator = _magic_arguments.argument_group(  # type: ignore[no-untyped-call]
        title, description
    )
    return decorator


def _switch(value: str) -> bool:
    """A flag that may be given alone (``-q``) or with a value (``-q False``), as sparkmagic accepts."""
    text = value.strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected True or False, not {value!r}")


def _apply(func: F, decorators: list[Decorator]) -> F:
    # Decorators run bottom-up; magic_arguments builds the parser top-down, so apply them reversed.
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _shared(add_flags: Callable[[Callable[..., Any]], None]) -> list[Decorator]:
    """The ``argument`` decorators of flags declared once in :mod:`sparkwire.engine.sql.flags`."""
    decorators: list[Decorator] = []
    add_flags(lambda *names, **options: decorators.append(argument(*names, **options)))
    return decorators


def send_to_spark_args(func: F) -> F:
    """Add ``%%send_to_spark``'s flags (shared with the kernel) and ``-s``.

    :param func: the magic.
    :return: the magic with the flags.
    """
    return _apply(
        func,
        [
            *_shared(add_send_to_spark_flags),
            argument("-s", "--session", metavar="NAME", help="the session (optional with one session)"),
        ],
    )


def session_args(func: F) -> F:
    """Add the flags naming a session: ``-s``, ``-l``, ``-i/--id``, ``-k``.

    :param func: the magic.
    :return: the magic, with the flags.
    """
    return _apply(
        func,
        [
            _group("Session", "Which session (add, delete, logs, %%spark)."),
            argument("-s", "--session", metavar="NAME", help="the session's name in this notebook"),
            argument(
                "-l",
                "--language",
                metavar="LANG",
                help="add: the session's language: python, scala, r or sql (default python)",
            ),
            argument(
                "-i",
                "--id",
                type=int,
                metavar="ID",
                help="add: attach to this existing session instead of creating one; "
                "delete -u URL: the session to delete; info -u URL: the session to mark",
            ),
            argument(
                "-k",
                "--skip",
                type=_switch,
                nargs="?",
                const=True,
                default=False,
                metavar="BOOL",
                help="add: do nothing if a session of this name exists (instead of failing)",
            ),
        ],
    )


def endpoint_args(func: F) -> F:
    """Add the flags naming a Livy endpoint: ``-u``, ``-t``, ``-a``, ``-p``, ``--token``.

    :param func: the magic.
    :return: the magic, with the flags.
    """
    return _apply(
        func,
        [
            _group(
                "Endpoint", "Where (add, info, delete, cleanup); the configured default if -u is not given."
            ),
            argument(
                "-u",
                "--url",
                metavar="URL",
                help="the Livy endpoint's URL, or the name of an endpoint in the config file",
            ),
            argument(
                "-t",
                "--auth",
                metavar="AUTH",
                help="None, Basic_Access, Kerberos, bearer, aws-sigv4, google, a sparkwire.auth plugin or a class "
                "path package.module:Class (default: Basic_Access when -a and -p are given, bearer with "
                "--token, else the endpoint's own)",
            ),
            argument("-a", "--user", metavar="USER", help="user name for Basic_Access"),
            argument(
                "-p",
                "--password",
                metavar="PASSWORD",
                help="password for Basic_Access; never shown in outputs or messages",
            ),
            argument(
                "--token",
                metavar="TOKEN",
                help="bearer token (sparkmagic's -t is --auth); never shown in outputs or messages",
            ),
        ],
    )


def cell_args(func: F) -> F:
    """Add the flags of a ``%%spark`` cell: ``-c``, ``-o``, ``-q``, ``-n``, ``-m``, ``-r``, ``-e``, ``-v``.

    :param func: the magic.
    :return: the magic, with the flags.
    """
    return _apply(
        func,
        [
            _group("Cell", "How %%spark runs the cell; -n, -m and -r: the rows -c sql and -o fetch."),
            argument(
                "-c",
                "--context",
                type=str.lower,
                choices=CONTEXTS,
                metavar="CONTEXT",
                help="spark: run the cell in the session's language (default); sql: run it as Spark SQL "
                "and show the result as a table",
            ),
            argument(
                "-o",
                "--output",
                metavar="VAR",
                help="store a pandas DataFrame in this local variable: the SQL result (-c sql), or the "
                "cell's last expression if it is a Spark DataFrame, else the remote DataFrame VAR",
            ),
            argument(
                "-q",
                "--quiet",
                type=_switch,
                nargs="?",
                const=True,
                default=False,
                metavar="BOOL",
                help="-c sql: do not show the result (use with -o)",
            ),
            *_shared(add_fetch_flags),
            argument(
                "-e",
                "--coerce",
                type=_switch,
                nargs="?",
                const=True,
                default=None,
                metavar="BOOL",
                help="give the DataFrame's columns the dtypes of their Spark types (default True); "
                "False keeps JSON values as objects",
            ),
            argument(
                "-v",
                "--verbose",
                action="store_true",
                help="a remote error shows every frame: PySpark's, py4j's and the JVM's too",
            ),
        ],
    )


def password_in(line: str) -> list[str]:
    """Find the passwords and tokens of a magic line, to mask them in messages.

    :param line: the text after the magic's name.
    :return: every value given to ``-p``/``--password`` or ``--token`` (argparse keeps the last; all are masked).
    """
    try:
        words = shlex.split(line)
    except ValueError:  # unbalanced quotes: IPython's own parser will say so
        words = line.split()
    found = []
    for index, word in enumerate(words):
        if word in ("-p", "--password", "--token") and index + 1 < len(words):
            found.append(words[index + 1])
        elif word.startswith(("--password=", "--token=")):
            found.append(word.partition("=")[2])
        elif word.startswith("-p") and len(word) > 2 and not word.startswith("--"):
            found.append(word[2:])
    return [value for value in found if value]


def mask(text: str, secrets: list[str]) -> str:
    """Replace secrets in a message.

    :param text: the message.
    :param secrets: values that must not appear (longest first, so one does not hide part of another).
    :return: the message, masked.
    """
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, _MASK)
    return text


def parse_line(magic: Callable[..., Any], line: str) -> argparse.Namespace:
    """Parse a magic's line with its ``magic_arguments`` parser.

    :param magic: the decorated magic method.
    :param line: the text after the magic's name.
    :return: the flags; ``password`` and ``token`` are :class:`~sparkwire.livy.Secret` (or ``None``).
    :raises UsageError: for unknown flags, bad values or unbalanced quotes, the password masked.
    """
    password = password_in(line)
    try:
        args: argparse.Namespace = _magic_arguments.parse_argstring(magic, line)  # type: ignore[no-untyped-call]
    except UsageError as exc:
        raise UsageError(f"{mask(str(exc), password)}. See %spark? for the flags.") from None
    except ValueError as exc:  # shlex: unbalanced quotes
        raise UsageError(
            f"Cannot read the flags: {mask(str(exc), password)}. See %spark? for the flags."
        ) from None
    for key in ("password", "token"):
        if getattr(args, key, None) is not None:
            setattr(args, key, Secret(getattr(args, key)))
    return args


def language_kind(language: str | None) -> SessionKind:
    """The Livy session kind of a ``-l`` language.

    :param language: python, scala, r or sql (Livy's kind names are accepted too); ``None`` for python.
    :return: the kind.
    :raises UsageError: for an unknown language.
    """
    if language is None:
        return SessionKind.PYSPARK
    kind = _LANGUAGES.get(language.strip().lower())
    if kind is None:
        raise UsageError(f"-l {language}: unknown language; use python, scala, r or sql.")
    return kind
