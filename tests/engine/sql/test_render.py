"""Result tables and charts as MIME bundles (no Jupyter needed)."""

from __future__ import annotations

import decimal
import subprocess
import sys

import pandas as pd
import pytest

from sparkwire.engine.sql import (
    PLOTLY_MIME,
    WIDGET_MIME,
    QueryResult,
    SparkField,
    chart_figure,
    frame_html,
    frame_text,
    result_bundle,
    result_bundle_for,
    result_view,
)


@pytest.fixture
def sales() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["north", "south", "north", None],
            "amount": pd.array([10, 5, None, 1], dtype="Int64"),
            "price": [decimal.Decimal("1.50"), decimal.Decimal("2.00"), None, decimal.Decimal("0.10")],
            "note": ["<script>alert(1)</script>", "a & b", "x" * 1000, ""],
            "day": pd.to_datetime(["2024-01-01", "2024-01-02", None, "2024-01-03"]).astype("datetime64[s]"),
        }
    )


FIELDS = (
    SparkField("region", "string"),
    SparkField("amount", "long"),
    SparkField("price", "decimal(10,2)"),
    SparkField("note", "string"),
    SparkField("day", "date"),
)


def test_html_table_shows_types_escapes_values_and_marks_nulls(sales: pd.DataFrame) -> None:
    page = frame_html(sales, fields=FIELDS, notice="Showing 4 of more than 4 rows.")
    for name, kind in [
        ("region", "string"),
        ("amount", "bigint"),
        ("price", "decimal(10,2)"),
        ("day", "date"),
    ]:
        assert f">{name}<br>" in page and f">{kind}</span>" in page
    assert "position:sticky;top:0" in page and "overflow:auto" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "a &amp; b" in page
    assert page.count(">null</span>") == 4
    assert ">2024-01-01<" in page  # dates without a time of day
    assert "x" * 1000 not in page  # long cells are clipped
    assert "4 rows × 5 columns. Showing 4 of more than 4 rows." in page
    assert 'class="sparkwire-result"' in page


def test_html_table_draws_at_most_max_rows() -> None:
    frame = pd.DataFrame({"n": range(30)})
    page = frame_html(frame, max_rows=10)
    assert page.count("<tr>") == 11  # header + 10
    assert "The table shows the first 10; the DataFrame holds all 30." in page


def test_text_fallback_is_an_aligned_table(sales: pd.DataFrame) -> None:
    text = frame_text(sales, fields=FIELDS, notice="A notice.")
    lines = text.splitlines()
    assert lines[0].split(" | ")[0].strip() == "region: string"
    assert "amount: bigint" in lines[0] and "null" in text
    assert lines[-1] == "4 rows × 5 columns. A notice."


def test_frames_from_elsewhere_show_pandas_dtypes() -> None:
    page = frame_html(pd.DataFrame({"a": [1.5]}))
    assert ">float64</span>" in page


def test_bundles_add_the_widget_view_only_when_widgets_render(sales: pd.DataFrame) -> None:
    plain = result_bundle(sales, fields=FIELDS)
    assert set(plain) == {"text/html", "text/plain"}
    rich = result_bundle(sales, fields=FIELDS, widgets=True)
    assert set(rich) == {"text/html", "text/plain", WIDGET_MIME}
    assert rich[WIDGET_MIME]["model_id"]
    result = QueryResult(frame=sales, fields=FIELDS, truncated=True, max_rows=4)
    assert "Showing 4 of more than 4 rows" in result_bundle_for(result)["text/html"]


def test_without_plotly_the_result_is_the_table_alone() -> None:
    """No `charts` extra: a subprocess where plotly cannot be imported gets tables, no chart view."""
    code = (
        "import sys; sys.modules['plotly'] = None\n"
        "import pandas as pd\n"
        "from sparkwire.engine.sql import result_bundle\n"
        "print(sorted(result_bundle(pd.DataFrame({'a': [1]}), widgets=True)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "['text/html', 'text/plain']"


def test_the_view_switches_between_table_and_chart(sales: pd.DataFrame) -> None:
    view = result_view(sales, table_bundle={"text/html": "<table/>"}, fields=FIELDS)
    mode, controls, output = view.children
    assert output.outputs[0]["data"] == {"text/html": "<table/>"}
    assert controls.layout.display == "none"
    mode.value = "Chart"
    assert controls.layout.display == "flex"
    figure = output.outputs[0]["data"][PLOTLY_MIME]
    assert figure["data"][0]["type"] == "bar"
    assert figure["data"][0]["x"] == ["north", "south", None]  # X: first text column; Y: first number, summed
    assert figure["data"][0]["y"] == [10.0, 5.0, 1.0]
    kind = controls.children[0]
    kind.value = "pie"
    assert output.outputs[0]["data"][PLOTLY_MIME]["data"][0]["type"] == "pie"
    mode.value = "Table"
    assert output.outputs[0]["data"] == {"text/html": "<table/>"}


@pytest.mark.parametrize(
    ("kind", "trace"),
    [("bar", "bar"), ("line", "scatter"), ("scatter", "scatter"), ("area", "scatter"), ("pie", "pie")],
)
def test_every_chart_kind_draws(sales: pd.DataFrame, kind: str, trace: str) -> None:
    figure = chart_figure(sales, kind=kind, x=0, y=2, aggregation="mean")  # type: ignore[arg-type]
    assert figure["data"][0]["type"] == trace
    assert figure["layout"]["title"]["text"] == "mean(price) by region"


@pytest.mark.parametrize(
    ("aggregation", "values"),
    [("sum", [10.0, 5.0, 1.0]), ("count", [2, 1, 1]), ("min", [10.0, 5.0, 1.0]), ("max", [10.0, 5.0, 1.0])],
)
def test_aggregations_group_by_x(sales: pd.DataFrame, aggregation: str, values: list[float]) -> None:
    figure = chart_figure(sales, x=0, y=1, aggregation=aggregation)  # type: ignore[arg-type]
    assert figure["data"][0]["y"] == values


def test_unaggregated_and_counted_charts(sales: pd.DataFrame) -> None:
    every = chart_figure(sales, kind="scatter", x=4, y=1, aggregation="none")
    assert len(every["data"][0]["x"]) == 4
    counted = chart_figure(sales, x=0, y=None)
    assert counted["data"][0]["y"] == [2, 1, 1]
    assert counted["layout"]["title"]["text"] == "count by region"
    with pytest.raises(ValueError):
        chart_figure(sales, kind="radar")  # type: ignore[arg-type]
