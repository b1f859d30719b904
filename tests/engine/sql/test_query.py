"""Remote code generation: user values only ever appear inside JSON string literals (no Spark needed)."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import tokenize
from typing import Any

import pytest

from sparkwire.engine.sql import (
    DEFAULT_MAX_ROWS,
    DISPLAY_MAX_ROWS,
    SqlQuery,
    TransferFailed,
    dataframe_repr_line,
    json_literal,
    parse_response,
    remote_call,
)

HOSTILE = [
    'SELECT "a" AS x',
    "SELECT '''x''' AS y, \"\"\"z\"\"\" AS w",
    'SELECT 1 -- """); import os; os.system("pwned") #',
    "back\\slash\\",
    "line\nbreak\r\n\ttab",
    "NUL\x00here",
    "unicode é 漢字 😀 \u2028 \ud800",  # a lone surrogate too
    "{x} %s %(y)s",
]


def _code_without_strings(code: str) -> str:
    """The code with every string literal replaced by a placeholder."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return "".join("STR" if tok.type == tokenize.STRING else tok.string + " " for tok in tokens)


def _requests_in(code: str) -> list[Any]:
    """The JSON values of the ``json.loads("...")``-style literals passed to ``_sparkwire_run``."""
    call = next(
        node
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_sparkwire_run"
    )
    return [json.loads(ast.literal_eval(arg)) for arg in call.args[:3]]


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_appears_only_inside_json_literals(text: str) -> None:
    for query in (SqlQuery.from_sql(text), SqlQuery.from_last_value(text)):
        request = query.fetch_request(
            token="t", encoding="auto", compression=None, chunk_bytes=1024, take_threshold=10
        )
        code = remote_call(request)
        compile(code, "<test>", "exec")  # valid Python whatever the text
        skeleton = _code_without_strings(code)
        for fragment in ("os.system", "pwned", "SELECT", "import os", "%(y)s"):
            assert fragment not in skeleton
        source, module, sent = _requests_in(code)
        assert sent == request  # the literal decodes to exactly what was meant
        assert (sent["source"].get("sql") or sent["source"].get("expect_repr")) == text
        assert module.startswith("_sparkwire_remote_") and "def main(" in source


def test_literals_are_plain_ascii_json_strings() -> None:
    for value in [*HOSTILE, {"nested": ["ü", None, 1.5, True]}, ""]:
        literal = json_literal(value)
        assert literal.isascii() and literal.startswith('"') and literal.endswith('"')
        assert json.loads(ast.literal_eval(literal)) == value
    with pytest.raises(ValueError):
        json_literal(float("nan"))


def test_the_bootstrap_leaves_no_names_behind() -> None:
    namespace: dict[str, Any] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(remote_call({"op": "release", "token": "nothing"}), namespace)  # noqa: S102 - our own code
    assert set(namespace) == {"__builtins__"}
    header, data = parse_response(out.getvalue().rstrip())
    assert (header, data) == ({"ok": True}, "")


def test_query_options_are_checked() -> None:
    assert SqlQuery.from_sql("SELECT 1").max_rows == DEFAULT_MAX_ROWS == 10_000
    assert SqlQuery.from_last_value("DataFrame[]").max_rows == DISPLAY_MAX_ROWS
    for bad in [
        {"sql": "SELECT 1", "variable": "df"},
        {},
        {"sql": "   "},
        {"variable": "not a name"},
        {"variable": "class"},
        {"sql": "SELECT 1", "max_rows": -2},
        {"sql": "SELECT 1", "sample_method": "random"},
        {"sql": "SELECT 1", "sample_method": "sample", "sample_fraction": 0.0},
        {"sql": "SELECT 1", "output_var": "x-y"},
    ]:
        with pytest.raises(ValueError):
            SqlQuery(**bad)
    sampled = SqlQuery.from_sql("SELECT 1", sample_method="sample", sample_fraction=0.5, sample_seed=3)
    request = sampled.fetch_request(
        token="t", encoding="json", compression=None, chunk_bytes=1024, take_threshold=1
    )
    assert request["sample"] == {"fraction": 0.5, "seed": 3}


def test_dataframe_reprs_are_recognised_on_the_last_line_only() -> None:
    assert dataframe_repr_line("x\nDataFrame[a: int, b: string]\n") == "DataFrame[a: int, b: string]"
    assert dataframe_repr_line("DataFrame[]") == "DataFrame[]"
    assert dataframe_repr_line("DataFrame[a: int]\nmore") is None
    assert dataframe_repr_line("") is None and dataframe_repr_line(None) is None


def test_responses_are_found_among_other_output() -> None:
    text = 'leaked output\n@sparkwire/1 {"ok":true,"n":1}\nQUJD\nsome warning on stderr'
    assert parse_response(text) == ({"ok": True, "n": 1}, "QUJD")
    assert parse_response('@sparkwire/1 {"ok":true}') == ({"ok": True}, "")
    with pytest.raises(TransferFailed, match="no sparkwire response"):
        parse_response("Traceback: something else")
    with pytest.raises(TransferFailed, match="could not be read"):
        parse_response("@sparkwire/1 {cut")
