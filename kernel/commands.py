"""The kernel's magics: each a function of a :class:`Context` and the parsed flags.

They raise :class:`~.parsing.UsageError`, :class:`~sparkwire.engine.EngineError` or
:class:`~sparkwire.livy.LivyError` for anything the user must fix; the kernel turns those into one
clear error reply. What they show goes through the context's :class:`Emitter`.
"""

from __future__ import annotations

import argparse
import json
import shlex
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol

from sparkwire.batch.cli import run_batch_command
from sparkwire.engine import (
    CellResult,
    DisplaySink,
    Engine,
    ErrorInfo,
    log_text,
    merge_bodies,
    sessions_bundle,
    settings_bundle,
    spec_from_body,
)
from sparkwire.livy import SessionNotFound

from .parsing import UsageError

__all__ = [
    "Context",
    "Emitter",
    "attach",
    "cleanup",
    "configure",
    "delete",
    "info",
    "logs",
    "session_body",
    "show_result",
]


class Emitter(Protocol):
    """Sends what a cell shows to the frontend."""

    def stream(self, text: str) -> None:
        """:param text: text for the stdout stream."""

    def result(self, bundle: Mapping[str, Any]) -> None:
        """:param bundle: the cell's result (``execute_result``)."""

    def display(self, bundle: Mapping[str, Any]) -> None:
        """:param bundle: extra rich output (``display_data``)."""


@dataclass
class Context:
    """What a magic works with.

    :param engine: the engine.
    :param name: the registry name of this kernel's session.
    :param out: where output goes.
    :param sink: where transient views (start, progress) go.
    :param user_ns: the local namespace (``%%local``), for ``%%sql -o``.
    :param kind: the session kind of this kernel's language (``pyspark``, ``spark``, ``sparkr``).
    """

    engine: Engine
    name: str
    out: Emitter
    sink: DisplaySink
    user_ns: MutableMapping[str, Any]
    kind: str = "pyspark"


def session_body(engine: Engine, *layers: Mapping[str, Any] | None, kind: str = "pyspark") -> dict[str, Any]:
    """The body of this kernel's sessions: its kind, then the configured defaults, then ``layers``.

    A ``kind`` in the config file's session defaults is not used: it is shared by the Python, Scala and R
    kernels (and sparkmagic files often carry one), while each kernel runs one language.

    :param engine: the engine (its config holds the defaults).
    :param layers: higher-precedence bodies (a profile, the cell's JSON).
    :param kind: the kernel language's session kind.
    :return: the merged body.
    """
    defaults = {key: value for key, value in engine.config.session_defaults.items() if key != "kind"}
    body: dict[str, Any] = merge_bodies({"kind": kind}, defaults, *layers)
    return body


def show_result(ctx: Context, result: CellResult) -> ErrorInfo | None:
    """Show a statement's output: stdout as a stream, rich data as the cell's result.

    :param ctx: the context.
    :param result: the engine's result.
    :return: the error to report, or ``None``.
    """
    if result.rendered.stdout:
        ctx.out.stream(result.rendered.stdout)
    if result.rendered.bundle is not None:
        ctx.out.result(result.rendered.bundle)
    return result.error


def configure(ctx: Context, args: argparse.Namespace, body: str) -> None:
    """``%%configure [-f] [PROFILE]``: set the settings the next session starts with.

    :param ctx: the context.
    :param args: ``force``, ``profile``.
    :param body: Livy's session JSON, a profile name, or nothing.
    :raises UsageError: for invalid JSON, or a running session without ``-f``.
    :raises ConfigError: for an unknown profile or a setting Livy would reject.
    """
    text = body.strip()
    profile = args.profile
    cell: Mapping[str, Any] = {}
    if text and not text.startswith("{") and profile is None and len(text.split()) == 1:
        profile, text = text, ""
    if text:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"%%configure: the cell is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
                'Write Livy\'s session settings, e.g. {"driverMemory": "2g", "conf": {"spark.x": "y"}}.'
            ) from None
        if not isinstance(parsed, dict):
            raise UsageError("%%configure: the cell must hold a JSON object of Livy session settings.")
        cell = parsed
    profile_body = ctx.engine.config.profile(profile) if profile else None
    body_now = session_body(ctx.engine, profile_body, cell, kind=ctx.kind)
    spec_from_body(body_now, where="%%configure")
    registry = ctx.engine.registry
    handle = registry.get(ctx.name)
    if handle.started and not args.force:
        raise UsageError(
            f"Session {handle.session_id} is already running, so these settings cannot apply to it. Use "
            "%%configure -f to delete it; the next cell then starts a session with the new settings."
        )
    stopped = None
    if handle.started:
        stopped = registry.stop(ctx.name) if handle.owned else handle.session_id
        registry.forget(ctx.name)
    handle.body = body_now
    if stopped is not None:
        ctx.out.stream(f"Session {stopped} was {'deleted' if handle.owned else 'left running (attached)'}.\n")
    ctx.out.display(settings_bundle("The next cell starts a session with these settings:", body_now))


def info(ctx: Context) -> None:
    """``%%info``: the endpoint, this notebook's session, and every session of the endpoint.

    :param ctx: the context.
    """
    registry = ctx.engine.registry
    handle = registry.get(ctx.name)
    lines = [
        f"Endpoint: {handle.endpoint.describe()}; settings from {ctx.engine.config.source}.",
        *ctx.engine.config.notes,
    ]
    if handle.started:
        try:
            session = registry.refresh(ctx.name)
        except SessionNotFound:
            lost = handle.session_id
            registry.forget(ctx.name)
            lines.append(f"This notebook's session {lost} no longer exists; the next cell starts a new one.")
        else:
            assert session is not None
            owner = "" if handle.owned else " (attached: not deleted at shutdown)"
            lines.append(f"This notebook's session: {session.id}, {session.state.value}{owner}.")
            if session.app_info.spark_ui_url:
                lines.append(f"Spark UI: {session.app_info.spark_ui_url}")
    else:
        lines.append("No session yet: the next cell starts one with the settings below.")
    ctx.out.stream("\n".join(lines) + "\n")
    if not handle.started:
        ctx.out.display(settings_bundle("Session settings:", handle.body))
    sessions = registry.list_remote(handle.endpoint)
    ctx.out.display(sessions_bundle(sessions, endpoint=handle.endpoint, current=handle.session_id))


def logs(ctx: Context, args: argparse.Namespace) -> None:
    """``%%logs [-n LINES]``: the end of this notebook's session log.

    :param ctx: the context.
    :param args: ``lines``.
    """
    registry = ctx.engine.registry
    handle = registry.get(ctx.name)
    if handle.session_id is None:
        ctx.out.stream("No session yet: run a cell first.\n")
        return
    client = registry.client(handle.endpoint)
    ctx.out.stream(log_text(client.session_log(handle.session_id, size=max(1, args.lines))))


def cleanup(ctx: Context, args: argparse.Namespace) -> None:
    """``%%cleanup -f``: delete every session of the endpoint.

    :param ctx: the context.
    :param args: ``force``.
    :raises UsageError: without ``-f``.
    """
    handle = ctx.engine.registry.get(ctx.name)
    if not args.force:
        raise UsageError(
            f"%%cleanup deletes every session on {handle.endpoint.url}, other people's too. "
            "Run %%cleanup -f to confirm."
        )
    deleted = ctx.engine.registry.cleanup(handle.endpoint)
    if deleted:
        ctx.out.stream(f"Deleted sessions {', '.join(map(str, deleted))} on {handle.endpoint.url}.\n")
    else:
        ctx.out.stream(f"No sessions on {handle.endpoint.url}.\n")


def delete(ctx: Context, args: argparse.Namespace) -> None:
    """``%%delete -s ID -f``: delete one session of the endpoint.

    :param ctx: the context.
    :param args: ``session``, ``force``.
    :raises UsageError: without ``-f``.
    """
    handle = ctx.engine.registry.get(ctx.name)
    if not args.force:
        raise UsageError(
            f"%%delete stops session {args.session} on {handle.endpoint.url} for whoever uses it. "
            f"Run %%delete -s {args.session} -f to confirm."
        )
    names = ctx.engine.registry.delete_remote(args.session, endpoint=handle.endpoint)
    note = " It was this notebook's session: the next cell starts a new one." if ctx.name in names else ""
    ctx.out.stream(f"Deleted session {args.session} on {handle.endpoint.url}.{note}\n")


def attach(ctx: Context, args: argparse.Namespace) -> None:
    """``%attach ID``: use an existing session instead of this notebook's own (which is deleted).

    :param ctx: the context.
    :param args: ``session``.
    """
    registry = ctx.engine.registry
    handle = registry.get(ctx.name)
    if handle.session_id == args.session:
        ctx.out.stream(f"Already using session {args.session}.\n")
        return
    body = handle.body
    previous = handle.session_id if handle.started and handle.owned else None
    new = registry.attach(ctx.name, args.session, endpoint=handle.endpoint, replace=True)
    # If the attached session is lost later, a new one starts with this notebook's own settings.
    new.body = body
    if previous is not None:
        registry.client(handle.endpoint).delete_session(previous, missing_ok=True)
    kind = new.kind.value if new.kind is not None else "shared"
    state = new.last.state.value if new.last is not None else "unknown"
    dropped = f" This notebook's own session {previous} was deleted." if previous is not None else ""
    ctx.out.stream(
        f"Attached to session {args.session} ({kind}, {state}) on {new.endpoint.url}. It is not "
        f"deleted when this kernel shuts down.{dropped}\n"
    )


def batch(line: str) -> ErrorInfo | None:
    """``%batch VERB ...``: the verbs of ``sparkwire batch``, printing into the cell.

    :param line: the verb and its options, e.g. ``submit pi.py --wait -- 10``.
    :return: an error (so "Run all" stops) when the verb failed or the batch did not succeed.
    """
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"%batch: cannot parse {line!r}: {exc}.") from None
    code = run_batch_command(words, prog="%batch")
    if code == 0:
        return None
    return ErrorInfo(
        "BatchFailed", f"%batch {' '.join(words[:1])} failed (exit code {code}); see the output above.", ()
    )
