"""The ``%spark`` subcommands that manage sessions: add, info, config, logs, delete, cleanup.

Each works on the engine's :class:`~sparkwire.engine.SessionRegistry`, the same one the Remote PySpark
kernel uses; names are this notebook's, ids are the endpoint's. Misuse raises ``UsageError``; a failure
at the endpoint raises a :class:`~._errors.SparkError` carrying the engine's one-message explanation.
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

from IPython.core.error import UsageError

from sparkwire.engine import (
    ConfigError,
    DisplaySink,
    Engine,
    EngineError,
    NullSink,
    Table,
    describe_error,
    log_text,
    sessions_bundle,
    settings_bundle,
    spec_from_body,
    table_html,
    table_text,
)
from sparkwire.livy import LivyError, SessionNotFound

from ._args import language_kind
from ._endpoints import resolve_endpoint
from ._errors import spark_error_from_report
from ._output import show_bundle, show_text

__all__ = ["SessionCommands", "calling_engine", "pick_session"]

T = TypeVar("T")
_ADD_HINT = "%spark add -s NAME -l python -u URL"


def calling_engine(call: Callable[[], T]) -> T:
    """Run an engine or client call, turning its failure into the exception the user sees.

    :param call: the call.
    :return: its result.
    :raises SparkError: for an :class:`EngineError` or a :class:`LivyError`, with the engine's message.
    """
    try:
        return call()
    except (EngineError, LivyError) as exc:
        raise spark_error_from_report(describe_error(exc)) from None


def pick_session(engine: Engine, name: str | None) -> str:
    """The session a line means: ``-s NAME``, or the only one.

    :param engine: the engine.
    :param name: ``-s``, or ``None``.
    :return: a registered name.
    :raises UsageError: for an unknown name, no session, or several sessions and no ``-s``.
    """
    names = sorted(handle.name for handle in engine.registry)
    if name is not None:
        if name not in engine.registry:
            known = ", ".join(names) or "none yet"
            raise UsageError(
                f"No session named {name!r} (this notebook's sessions: {known}). Add it with "
                f"%spark add -s {name} -l python -u URL."
            )
        return name
    if len(names) == 1:
        return names[0]
    if not names:
        raise UsageError(f"No session yet: add one with {_ADD_HINT}.")
    raise UsageError(f"This notebook has {len(names)} sessions ({', '.join(names)}): pick one with -s NAME.")


def _endpoint_of(engine: Engine, args: argparse.Namespace) -> Any:
    return resolve_endpoint(
        engine.config, url=args.url, auth=args.auth, user=args.user, password=args.password, token=args.token
    )


class SessionCommands:
    """The session subcommands of ``%spark``, and the settings ``%%spark config`` set.

    :param engine: the engine.
    :param sink: makes the sink where a starting session is shown.
    :param log_lines: how many lines ``%spark logs`` shows (the last ones).
    """

    def __init__(
        self, engine: Engine, sink: Callable[[], DisplaySink], *, log_lines: Callable[[], int]
    ) -> None:
        self._engine = engine
        self._sink = sink
        self._log_lines = log_lines
        self.session_settings: dict[str, Any] = {}

    def add(self, args: argparse.Namespace) -> None:
        """``%spark add -s NAME -l LANG [-u URL ...] [-k] [--id ID]``: start (or attach) a named session.

        :param args: the parsed flags.
        """
        registry = self._engine.registry
        name = args.session
        if not name:
            raise UsageError(f"add needs a session name: {_ADD_HINT}.")
        endpoint = _endpoint_of(self._engine, args)
        if name in registry:
            if args.skip:
                show_text(f"Session {name!r} already exists; not added again (-k).")
                return
            raise UsageError(
                f"A session named {name!r} already exists. Use -k to skip adding it, or delete it "
                f"first with %spark delete -s {name}."
            )
        if args.id is not None:
            handle = calling_engine(lambda: registry.attach(name, args.id, endpoint=endpoint))
            kind = handle.kind.value if handle.kind is not None else "shared"
            state = handle.last.state.value if handle.last is not None else "unknown"
            show_text(
                f"Attached session {args.id} ({kind}, {state}) on {endpoint.url} as {name!r}. It is not "
                f"deleted by %spark cleanup or when this kernel exits; %spark delete -s {name} deletes it."
            )
            return
        kind = language_kind(args.language)
        body = self._engine.config.session_body(self.session_settings, {"kind": kind.value})
        try:
            registry.add(name, endpoint=endpoint, body=body)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        if self._engine.config.kernel.start_session == "on_kernel_start":
            self._engine.start_in_background(name)
            show_text(
                f"Session {name!r} ({kind.value}) is starting on {endpoint.url} in the background; "
                f"the first cell that uses it waits only for what is left."
            )
            return
        sink = self._sink()
        try:
            session_id = calling_engine(lambda: self._engine.start(name, sink=sink))
        except BaseException:
            registry.remove(name)  # not started: nothing to delete, and the name can be added again
            raise
        if isinstance(sink, NullSink):
            show_text(f"Session {name!r} started: id {session_id} ({kind.value}) on {endpoint.url}.")

    def info(self, args: argparse.Namespace) -> None:
        """``%spark info [-u URL [-i ID]]``: this notebook's sessions, or every session of an endpoint.

        :param args: the parsed flags.
        """
        if self._engine.config.notes:  # settings of the config file that have no effect, one line each
            show_text("\n".join(self._engine.config.notes))
        if args.url is not None:
            endpoint = _endpoint_of(self._engine, args)
            sessions = calling_engine(lambda: self._engine.registry.list_remote(endpoint))
            show_bundle(sessions_bundle(sessions, endpoint=endpoint, current=args.id))
            return
        rows = []
        for handle in self._engine.registry:
            state = "not started"
            if handle.session_id is not None:
                try:
                    session = self._engine.registry.refresh(handle.name)
                    state = session.state.value if session is not None else state
                except SessionNotFound:
                    state = "gone"
                except LivyError:
                    state = "unknown (endpoint unreachable)"
            kind = handle.kind.value if handle.kind is not None else "shared"
            rows.append(
                [
                    handle.name,
                    "" if handle.session_id is None else str(handle.session_id),
                    kind,
                    state,
                    handle.endpoint.url,
                    "created here" if handle.owned else "attached",
                ]
            )
        if rows:
            table = Table(
                (("name", ""), ("id", ""), ("kind", ""), ("state", ""), ("endpoint", ""), ("origin", "")),
                tuple(rows),
            )
            show_bundle(
                {
                    "text/plain": "This notebook's sessions:\n" + table_text(table),
                    "text/html": "<p>This notebook's sessions:</p>" + table_html(table),
                }
            )
        else:
            show_text(f"This notebook has no sessions yet: add one with {_ADD_HINT}.")
        show_bundle(
            settings_bundle(
                "Sessions added from now on start with these settings (plus -l's kind):",
                self._engine.config.session_body(self.session_settings),
            )
        )

    def config(self, cell: str | None) -> None:
        """``%%spark config``: Livy session settings (JSON) for the sessions added from now on.

        :param cell: the JSON; empty or ``None`` shows the current settings.
        """
        text = (cell or "").strip()
        if text:
            try:
                settings = json.loads(text)
            except json.JSONDecodeError as exc:
                raise UsageError(
                    f"%%spark config: the cell is not valid JSON (line {exc.lineno}, column "
                    f"{exc.colno}: {exc.msg})."
                ) from None
            if not isinstance(settings, dict):
                raise UsageError(
                    '%%spark config: the cell must hold a JSON object, e.g. {"driverMemory": "1g"}.'
                )
            try:
                spec_from_body(settings, where="%%spark config")
            except ConfigError as exc:
                raise UsageError(str(exc)) from None
            self.session_settings = settings
        show_bundle(
            settings_bundle(
                "Sessions added from now on start with these settings (plus -l's kind):",
                self._engine.config.session_body(self.session_settings),
            )
        )

    def logs(self, args: argparse.Namespace) -> None:
        """``%spark logs [-s NAME]``: the end of the session's log.

        :param args: the parsed flags.
        """
        name = pick_session(self._engine, args.session)
        handle = self._engine.registry.get(name)
        session_id = handle.session_id
        if session_id is None:
            show_text(f"Session {name!r} has no running session (it was lost); its next cell starts one.")
            return
        client = calling_engine(lambda: self._engine.registry.client(handle.endpoint))
        log = calling_engine(lambda: client.session_log(session_id, size=self._log_lines()))
        show_text(log_text(log))

    def delete(self, args: argparse.Namespace) -> None:
        """``%spark delete -s NAME`` or ``%spark delete -u URL -i ID``.

        :param args: the parsed flags.
        """
        registry = self._engine.registry
        if args.session is not None:
            name = pick_session(self._engine, args.session)
            url = registry.get(name).endpoint.url
            deleted = calling_engine(lambda: registry.remove(name))
            what = (
                f"session {deleted} ({name!r})"
                if deleted is not None
                else f"{name!r} (it had no running session)"
            )
            show_text(f"Deleted {what} on {url}.")
            return
        if args.id is None:
            raise UsageError("delete needs -s NAME (this notebook's session), or -u URL -i ID (any session).")
        endpoint = _endpoint_of(self._engine, args)
        names = calling_engine(lambda: registry.delete_remote(args.id, endpoint=endpoint))
        for name in names:
            registry.remove(name)
        also = f" It was this notebook's {', '.join(map(repr, names))}." if names else ""
        show_text(f"Deleted session {args.id} on {endpoint.url}.{also}")

    def cleanup(self, args: argparse.Namespace) -> None:
        """``%spark cleanup``: delete this notebook's sessions; ``-u URL``: every session of the endpoint.

        :param args: the parsed flags.
        """
        registry = self._engine.registry
        if args.url is None:
            deleted, detached = [], []
            for handle in list(registry):
                if not handle.owned:
                    registry.forget(handle.name)  # attached: someone else's session, left running
                    detached.append(handle.name)
                elif handle.session_id is not None:
                    deleted.append(f"{handle.session_id} ({handle.name!r})")
                calling_engine(functools.partial(registry.remove, handle.name))
            parts = [f"Deleted sessions {', '.join(deleted)}." if deleted else "No sessions to delete."]
            if detached:
                parts.append(f"Detached from {', '.join(map(repr, detached))} (attached, left running).")
            show_text(" ".join(parts))
            return
        endpoint = _endpoint_of(self._engine, args)
        ids = calling_engine(lambda: registry.cleanup(endpoint))
        for handle in list(registry):
            if handle.endpoint.url == endpoint.url and handle.session_id is None:
                registry.remove(handle.name)
        listed = ", ".join(map(str, ids))
        show_text(
            f"Deleted sessions {listed} on {endpoint.url}." if ids else f"No sessions on {endpoint.url}."
        )
