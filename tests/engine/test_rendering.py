"""Livy outputs → what a cell shows, one case per MIME type the protocol allows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from sparkwire.engine import LIVY_TABLE_MIME, render_error, render_output, table_from_livy, table_text
from sparkwire.livy import Output


def ok(data: dict[str, Any]) -> Output:
    return Output.from_json({"status": "ok", "execution_count": 1, "data": data})


@dataclass(frozen=True)
class Case:
    name: str
    data: dict[str, Any]
    stdout: str
    bundle_mimes: tuple[str, ...]
    plain_contains: str = ""


CASES = [
    Case("text only goes to stdout", {"text/plain": "hello\n42"}, "hello\n42\n", ()),
    Case("empty text shows nothing", {"text/plain": ""}, "", ()),
    Case("html with a fallback", {"text/html": "<b>x</b>"}, "", ("text/html", "text/plain"), "<HTML output>"),
    Case("image", {"image/png": "iVBORw0KGgo="}, "", ("image/png", "text/plain"), "image/png"),
    Case(
        "json pretty-printed",
        {"application/json": {"a": [1, 2]}},
        "",
        ("application/json", "text/plain"),
        '"a": [',
    ),
    Case(
        "stdout beside a rich result",
        {"text/plain": "printed", "image/png": "AA=="},
        "printed\n",
        ("image/png", "text/plain"),
    ),
    Case(
        "livy table as html and text",
        {
            LIVY_TABLE_MIME: {
                "headers": [{"name": "n", "type": "INT_TYPE"}, {"name": "s", "type": "STRING_TYPE"}],
                "data": [[1, "<a>"], [2, None]],
            }
        },
        "",
        ("text/html", "text/plain"),
        "n | s",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_output_rendering(case: Case) -> None:
    rendered = render_output(ok(case.data))
    assert rendered.error is None
    assert rendered.stdout == case.stdout
    if not case.bundle_mimes:
        assert rendered.bundle is None
        return
    assert rendered.bundle is not None
    assert tuple(sorted(rendered.bundle)) == tuple(sorted(case.bundle_mimes))
    assert case.plain_contains in rendered.bundle["text/plain"]


def test_table_html_escapes_values_and_marks_nulls() -> None:
    rendered = render_output(
        ok(
            {
                LIVY_TABLE_MIME: {
                    "headers": [{"name": "v", "type": "STRING_TYPE"}],
                    "data": [["<script>"], [None]],
                }
            }
        )
    )
    assert rendered.bundle is not None
    html = rendered.bundle["text/html"]
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "null" in html and "2 rows" in html
    assert 'title="STRING_TYPE"' in html


def test_sql_result_renders_as_a_table() -> None:
    value = {
        "schema": {
            "type": "struct",
            "fields": [
                {"name": "id", "type": "long", "nullable": False, "metadata": {}},
                {
                    "name": "tags",
                    "type": {"type": "array", "elementType": "string"},
                    "nullable": True,
                    "metadata": {},
                },
            ],
        },
        "data": [[1, ["a", "b"]], [2, None]],
    }
    rendered = render_output(ok({"application/json": value}), sql=True)
    assert rendered.bundle is not None
    assert set(rendered.bundle) == {"text/html", "text/plain"}
    assert rendered.bundle["text/plain"].splitlines()[0].split() == ["id", "|", "tags"]
    assert '["a", "b"]' in rendered.bundle["text/plain"]


def test_text_table_is_capped() -> None:
    table = table_from_livy({"headers": [{"name": "i"}], "data": [[i] for i in range(120)]})
    assert table is not None
    text = table_text(table, max_rows=10)
    assert text.splitlines()[-1] == "(10 of 120 rows shown)"


def test_remote_errors_show_the_cell_line_of_their_traceback() -> None:
    output = Output.from_json(
        {
            "status": "error",
            "execution_count": 3,
            "ename": "ZeroDivisionError",
            "evalue": "division by zero",
            "traceback": [
                "Traceback (most recent call last):\n",
                '  File "<stdin>", line 1, in <module>\n    1/0\n',
            ],
        }
    )
    rendered = render_output(output)
    assert rendered.error is not None
    assert rendered.error.ename == "ZeroDivisionError"
    assert rendered.error.traceback == (
        "Traceback (most recent call last):",
        "  Cell line 1",
        "    1/0",
        "ZeroDivisionError: division by zero",
    )
    assert render_error(None, None).traceback == ("Error",)
