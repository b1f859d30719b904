"""The kernel's DataFrame magics: ``%%sql`` (Spark SQL into a typed pandas DataFrame),
``%%send_to_spark`` (a local DataFrame or string into the session), ``%%spark -o`` (a remote DataFrame
into pandas) and ``%%pretty`` (``show()`` tables as HTML), on the engine's shared transfer.

Like :mod:`.commands`, each takes a :class:`~.commands.Context` and the parsed flags, raises
:class:`~.parsing.UsageError` for misuse, and returns the error to report (Spark's message for a
failing query, one message for a failure of ours) or ``None``.
"""

from __future__ import annotations

import argparse

from sparkwire.engine import ErrorInfo
from sparkwire.engine.show_table import pretty_bundle
from sparkwire.engine.sql.query import DEFAULT_MAX_ROWS, DEFAULT_SAMPLE_FRACTION, SqlQuery

from .commands import Context, show_result
from .parsing import UsageError

__all__ = ["pretty", "send_to_spark", "spark", "sql"]


def sql(ctx: Context, args: argparse.Namespace, body: str) -> ErrorInfo | None:
    """``%%sql [-o VAR] [-n MAXROWS] [-m take|sample] [-r FRACTION] [-q]``: the cell as Spark SQL.

    The result arrives with dtypes from the Spark schema (Arrow, or typed JSON) and is shown as a
    typed table with a truncation notice; ``-o`` stores the pandas DataFrame in the local namespace.

    :param ctx: the context.
    :param args: ``output``, ``quiet``, ``maxrows``, ``samplemethod``, ``samplefraction``.
    :param body: the SQL statement.
    :return: the error to report, or ``None``.
    :raises UsageError: for an empty cell or invalid flag values.
    """
    if not body.strip():
        raise UsageError("%%sql needs a SQL statement in the cell, e.g. SELECT * FROM my_view LIMIT 10.")
    try:
        query = SqlQuery.from_sql(
            body,
            max_rows=DEFAULT_MAX_ROWS if args.maxrows is None else args.maxrows,
            sample_method=args.samplemethod,
            sample_fraction=DEFAULT_SAMPLE_FRACTION if args.samplefraction is None else args.samplefraction,
            output_var=args.output,
            quiet=bool(args.quiet),
        )
    except ValueError as exc:
        raise UsageError(f"%%sql: {exc}. Run %%help for the flags.") from None
    outcome = ctx.engine.sql(ctx.name, query, sink=ctx.sink)
    if not outcome.ok:
        return outcome.error
    if query.output_var is not None:
        ctx.user_ns[query.output_var] = outcome.frame
    if outcome.bundle is not None:
        ctx.out.result(outcome.bundle)
    return None


def send_to_spark(ctx: Context, args: argparse.Namespace) -> ErrorInfo | None:
    """``%%send_to_spark -i VAR [-t df|str] -n NAME [-m MAXROWS]``: a local value into the session.

    :param ctx: the context.
    :param args: ``input``, ``type``, ``name``, ``maxrows``.
    :return: the error to report, or ``None``.
    :raises UsageError: for an unknown local variable, a value of the wrong type, or a bad name.
    """
    if args.input not in ctx.user_ns:
        raise UsageError(
            f"%%send_to_spark: no local variable {args.input!r}; define it in a %%local cell first."
        )
    try:
        outcome = ctx.engine.send_to_spark(
            ctx.name, ctx.user_ns[args.input], args.name, kind=args.type, max_rows=args.maxrows, sink=ctx.sink
        )
    except ValueError as exc:
        raise UsageError(f"%%send_to_spark: {exc}.") from None
    if not outcome.ok:
        return outcome.error
    ctx.out.stream(outcome.summary() + "\n")
    return None


def spark(ctx: Context, args: argparse.Namespace, body: str) -> ErrorInfo | None:
    """``%%spark [-o VAR] [-n MAXROWS] [-m take|sample] [-r FRACTION] [-v]``: run the cell remotely.

    As a plain cell, then with ``-o`` the remote Spark DataFrame ``VAR`` is copied into the local
    namespace as a pandas DataFrame of the same name (sparkmagic's ``%%spark -o``).

    :param ctx: the context.
    :param args: ``output``, ``maxrows``, ``samplemethod``, ``samplefraction``, ``verbose``.
    :param body: the code.
    :return: the error to report, or ``None``.
    :raises UsageError: for an invalid ``-o`` name or flag values.
    """
    if args.output is not None and not args.output.isidentifier():
        raise UsageError(f"%%spark -o {args.output}: not a valid Python variable name.")
    query = None
    if args.output is not None:
        try:
            query = SqlQuery.from_variable(
                args.output,
                max_rows=DEFAULT_MAX_ROWS if args.maxrows is None else args.maxrows,
                sample_method=args.samplemethod,
                sample_fraction=DEFAULT_SAMPLE_FRACTION
                if args.samplefraction is None
                else args.samplefraction,
            )
        except ValueError as exc:
            raise UsageError(f"%%spark: {exc}. Run %%help for the flags.") from None
    error = show_result(
        ctx, ctx.engine.run(ctx.name, body, sink=ctx.sink, show_dataframe=True, verbose=args.verbose or None)
    )
    if error is not None or query is None:
        return error
    outcome = ctx.engine.sql(ctx.name, query, sink=ctx.sink)
    if not outcome.ok:
        return outcome.error
    assert args.output is not None
    ctx.user_ns[args.output] = outcome.frame
    return None


def pretty(ctx: Context, args: argparse.Namespace, body: str) -> ErrorInfo | None:
    """``%%pretty [-v]``: run the cell; the grids ``DataFrame.show()`` prints are shown as HTML tables.

    :param ctx: the context.
    :param args: ``verbose``.
    :param body: the code.
    :return: the error to report, or ``None``.
    """
    result = ctx.engine.run(ctx.name, body, sink=ctx.sink, verbose=args.verbose or None)
    bundle = pretty_bundle(result.rendered.stdout) if result.rendered.stdout else None
    if bundle is None:
        return show_result(ctx, result)
    ctx.out.display(bundle)
    if result.rendered.bundle is not None:
        ctx.out.result(result.rendered.bundle)
    return result.error
