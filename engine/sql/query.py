"""What to fetch (:class:`SqlQuery`) and the remote code that fetches it.

Every statement sent for a transfer has the same shape: a bootstrap that installs the remote helper
module (:mod:`._remote`, sent as source) once per session, then calls it with a request. The helper's
source and the request are embedded only as JSON string literals::

    _sparkwire_run(_json.loads("<JSON text of the source>"), ..., _json.loads("<JSON text of the request>"))

so no user value (SQL text, variable names, strings to send) is ever pasted into Python source: each
literal is a :func:`~sparkwire.engine.literals.json_literal` (re-exported here). Not sparkmagic's
``u\"\"\"{query}\"\"\"``, which a query containing three quotes breaks.
"""

from __future__ import annotations

import hashlib
import json
import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from sparkwire.engine.literals import json_literal

from ._remote import MARKER
from .errors import TransferFailed

__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_SAMPLE_FRACTION",
    "DISPLAY_MAX_ROWS",
    "REMOTE_MODULE",
    "SampleMethod",
    "SqlQuery",
    "dataframe_repr_line",
    "json_literal",
    "parse_response",
    "remote_call",
]

DEFAULT_MAX_ROWS: Final = 10_000
"""Rows fetched when the caller does not say (``-n``): enough for any table a person reads and most
charts, small enough that a wide table of long strings stays in the tens of megabytes on the driver and
the client. sparkmagic's 2,500 cut results people expected whole; ``-1`` fetches everything."""

DISPLAY_MAX_ROWS: Final = 1_000
"""Rows fetched for a DataFrame shown as a cell's last expression (it is computed just to be shown)."""

DEFAULT_SAMPLE_FRACTION: Final = 0.1
"""``-r`` when ``-m sample`` is given without it (sparkmagic's default too)."""

SampleMethod = Literal["take", "sample"]


def _remote_source() -> str:
    """The helper's source: ``_remote.py``, then ``_remote_codec.py`` in the same module (its
    ``__future__`` import is dropped: only a module's first statements may be one)."""
    here = Path(__file__).parent
    codec = (here / "_remote_codec.py").read_text(encoding="utf-8")
    codec = "\n".join(line for line in codec.splitlines() if not line.startswith("from __future__"))
    return (here / "_remote.py").read_text(encoding="utf-8") + "\n\n" + codec + "\n"


_REMOTE_SOURCE: Final = _remote_source()
REMOTE_MODULE: Final = "_sparkwire_remote_" + hashlib.sha256(_REMOTE_SOURCE.encode()).hexdigest()[:12]
"""The module name the helper is installed under remotely; it changes with the helper's source, so a
session used by an older client gets the new code."""

_DATAFRAME_REPR = re.compile(r"DataFrame\[.*\]")


def remote_call(request: Mapping[str, Any]) -> str:
    """The statement that runs one request in the remote helper and prints its response.

    The bootstrap leaves no name behind in the user's namespace.

    :param request: the request (``op`` and its fields), JSON values only.
    :return: Python source for a pyspark statement.
    """
    return (
        "def _sparkwire_run(source, name, request, namespace):\n"
        "    import json, sys, types\n"
        "    name = json.loads(name)\n"
        "    module = sys.modules.get(name)\n"
        "    if module is None:\n"
        "        module = types.ModuleType(name)\n"
        "        exec(compile(json.loads(source), '<sparkwire>', 'exec'), module.__dict__)\n"
        "        sys.modules[name] = module\n"
        "    module.main(json.loads(request), namespace)\n"
        "try:\n"
        f"    _sparkwire_run({json_literal(_REMOTE_SOURCE)}, {json_literal(REMOTE_MODULE)},\n"
        f"                   {json_literal(dict(request))}, globals())\n"
        "finally:\n"
        "    del _sparkwire_run\n"
    )


def dataframe_repr_line(text: str | None) -> str | None:
    """The last line of a statement's text if it is a Spark DataFrame's repr (``DataFrame[a: int]``).

    The kernel calls this on a cell's output: a match means the cell probably ended with a DataFrame
    expression, to be fetched with :meth:`SqlQuery.from_last_value` and shown as a table.

    :param text: the statement's ``text/plain``.
    :return: the repr line, or ``None``.
    """
    if not text:
        return None
    last = text.rstrip().rsplit("\n", 1)[-1]
    return last if _DATAFRAME_REPR.fullmatch(last) else None


def _check_identifier(name: str, what: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{what} must be a Python identifier, not {name!r}")


@dataclass(frozen=True)
class SqlQuery:
    """What to fetch from a session into a pandas DataFrame, and how.

    Exactly one source: ``sql`` (a Spark SQL statement), ``variable`` (the name of a Spark DataFrame in
    the session), or ``last_value`` (the DataFrame a cell's last expression showed). Build with
    :meth:`from_sql`, :meth:`from_variable` or :meth:`from_last_value`.

    :param sql: the query text (``-c sql`` cells, ``%%sql``).
    :param variable: a remote DataFrame variable (``%%spark -o df``).
    :param last_value: fetch the value the cell's last expression displayed.
    :param expect_repr: with ``last_value``: fetch only if that value's repr is this text (guards
        against a stale value when the text was printed rather than displayed).
    :param max_rows: the most rows to fetch (``-n``); ``-1`` for all. The result says whether more existed.
    :param sample_method: ``take`` the first rows, or ``sample`` a fraction first (``-m``).
    :param sample_fraction: the fraction for ``sample`` (``-r``), in (0, 1].
    :param sample_seed: a seed for ``sample``, for repeatable samples.
    :param count_total: when rows were cut, count all rows of the result (runs the query again); else
        the total is only known when nothing was cut.
    :param output_var: the local variable the front door stores the DataFrame in (``-o``); not used here.
    :param quiet: the front door shows nothing (``-q``); not used here.
    :raises ValueError: for an invalid combination.
    """

    sql: str | None = None
    variable: str | None = None
    last_value: bool = False
    expect_repr: str | None = None
    max_rows: int = DEFAULT_MAX_ROWS
    sample_method: SampleMethod = "take"
    sample_fraction: float = DEFAULT_SAMPLE_FRACTION
    sample_seed: int | None = None
    count_total: bool = False
    output_var: str | None = None
    quiet: bool = False

    def __post_init__(self) -> None:
        sources = (self.sql is not None) + (self.variable is not None) + bool(self.last_value)
        if sources != 1:
            raise ValueError("a SqlQuery needs exactly one of sql, variable or last_value")
        if self.sql is not None and not self.sql.strip():
            raise ValueError("the SQL query is empty")
        if self.variable is not None:
            _check_identifier(self.variable, "the DataFrame variable")
        if self.output_var is not None:
            _check_identifier(self.output_var, "the output variable (-o)")
        if not isinstance(self.max_rows, int) or self.max_rows < -1:
            raise ValueError(f"max_rows must be -1 (all) or a number >= 0, not {self.max_rows!r}")
        if self.sample_method not in ("take", "sample"):
            raise ValueError(f"sample_method must be 'take' or 'sample', not {self.sample_method!r}")
        if not 0.0 < self.sample_fraction <= 1.0:
            raise ValueError(f"sample_fraction must be in (0, 1], not {self.sample_fraction!r}")

    @classmethod
    def from_sql(cls, sql: str, **options: Any) -> SqlQuery:
        """:param sql: the query text. :param options: other fields. :return: the query."""
        return cls(sql=sql, **options)

    @classmethod
    def from_variable(cls, name: str, **options: Any) -> SqlQuery:
        """:param name: the remote DataFrame variable. :param options: other fields. :return: the query."""
        return cls(variable=name, **options)

    @classmethod
    def from_last_value(cls, expect_repr: str | None = None, **options: Any) -> SqlQuery:
        """The DataFrame the cell just displayed (Python keeps it in ``builtins._``).

        :param expect_repr: its repr, from :func:`dataframe_repr_line`.
        :param options: other fields; ``max_rows`` defaults to :data:`DISPLAY_MAX_ROWS`.
        :return: the query.
        """
        options.setdefault("max_rows", DISPLAY_MAX_ROWS)
        return cls(last_value=True, expect_repr=expect_repr, **options)

    @property
    def sampled(self) -> bool:
        """Whether rows are sampled before the limit."""
        return self.sample_method == "sample"

    def source_json(self) -> dict[str, Any]:
        """:return: the source part of a remote fetch request."""
        if self.sql is not None:
            return {"sql": self.sql}
        if self.variable is not None:
            return {"variable": self.variable}
        return {"last_value": True, "expect_repr": self.expect_repr}

    def fetch_request(
        self, *, token: str, encoding: str, compression: str | None, chunk_bytes: int, take_threshold: int
    ) -> dict[str, Any]:
        """The remote ``fetch`` request for this query.

        :param token: names the remote copy of the encoded result, for the chunk requests.
        :param encoding: ``auto`` (Arrow when it pays), ``arrow`` or ``json``.
        :param compression: the Arrow IPC codec (``zstd``, ``lz4``) or ``None``.
        :param chunk_bytes: the most bytes of encoded result per statement.
        :param take_threshold: up to this many rows are taken as rows (like ``DataFrame.take``) and sent
            as JSON; above it, as Arrow batches.
        :return: the request.
        """
        request: dict[str, Any] = {
            "op": "fetch",
            "source": self.source_json(),
            "max_rows": self.max_rows,
            "count_total": self.count_total,
            "encoding": encoding,
            "compression": compression,
            "chunk_bytes": chunk_bytes,
            "take_threshold": take_threshold,
            "token": token,
        }
        if self.sampled:
            request["sample"] = {"fraction": self.sample_fraction, "seed": self.sample_seed}
        return request


def parse_response(text: str) -> tuple[dict[str, Any], str]:
    """Find the helper's response in a statement's text (other output may surround it).

    :param text: the statement's ``text/plain``.
    :return: the header and the data line (base64, possibly empty).
    :raises TransferFailed: if there is no response in it.
    """
    start = text.rfind("\n" + MARKER) + 1
    if start == 0 and not text.startswith(MARKER):
        raise TransferFailed(
            "The session's answer holds no sparkwire response; it began: "
            f"{text[:300]!r}. The output may have been cut by a proxy or server limit."
        )
    end = text.find("\n", start)
    line = text[start + len(MARKER) : end if end >= 0 else len(text)]
    try:
        header = json.loads(line)
    except ValueError as exc:
        raise TransferFailed(f"The session's answer could not be read ({exc}).") from None
    if end < 0:
        return header, ""
    data_end = text.find("\n", end + 1)
    return header, text[end + 1 : data_end if data_end >= 0 else len(text)]
