"""Charts of a result (plotly) and the widget view that switches between table and chart.

:func:`chart_figure` aggregates in pandas (sum, mean, count, min, max of Y by X, or no aggregation)
and draws a bar, line, scatter, area or pie chart with plotly's graph objects. The figure travels as
plotly's MIME type (``application/vnd.plotly.v1+json``), which JupyterLab renders with the
``jupyterlab-plotly`` extension that the plotly package installs, and VS Code natively. plotly is
imported only when a chart is drawn: it takes a second to import.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

import pandas as pd

from .schema import SparkField

__all__ = [
    "AGGREGATIONS",
    "CHART_KINDS",
    "PLOTLY_MIME",
    "chart_bundle",
    "chart_figure",
    "default_axes",
    "result_view",
]

PLOTLY_MIME: Final = "application/vnd.plotly.v1+json"
CHART_KINDS: Final = ("bar", "line", "scatter", "area", "pie")
AGGREGATIONS: Final = ("none", "sum", "mean", "count", "min", "max")
ChartKind = Literal["bar", "line", "scatter", "area", "pie"]
Aggregation = Literal["none", "sum", "mean", "count", "min", "max"]
_MAX_POINTS: Final = 10_000


def _numeric(series: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(series.dtype):
        return False
    if pd.api.types.is_numeric_dtype(series.dtype):
        return True
    sample = series.iloc[:1000].dropna()  # object columns: decimals count as numbers
    return len(sample) > 0 and isinstance(sample.iloc[0], decimal.Decimal)


def default_axes(frame: pd.DataFrame) -> tuple[int | None, int | None]:
    """A sensible first chart: X the first non-numeric column (else the first), Y the first numeric
    column that is not X (``None``: count rows).

    :param frame: the rows.
    :return: column positions ``(x, y)``.
    """
    if frame.shape[1] == 0:
        return None, None
    numeric = [i for i in range(frame.shape[1]) if _numeric(frame.iloc[:, i])]
    others = [i for i in range(frame.shape[1]) if i not in numeric]
    x = others[0] if others else 0
    y = next((i for i in numeric if i != x), None)
    return x, y


def _plottable(series: pd.Series) -> pd.Series:
    """Values plotly can put in JSON: numbers as floats, dates as they are, anything else as text."""
    if _numeric(series):
        return pd.to_numeric(
            series.map(lambda v: float(v) if isinstance(v, decimal.Decimal) else v), errors="coerce"
        ).astype("float64")
    if (
        pd.api.types.is_datetime64_any_dtype(series.dtype)
        or pd.api.types.is_string_dtype(series.dtype)
        and all(isinstance(v, str) or v is None for v in series.head(100))
    ):
        return series
    return series.map(lambda v: None if v is None else str(v))


def chart_figure(
    frame: pd.DataFrame,
    *,
    kind: ChartKind = "bar",
    x: int | None = None,
    y: int | None = None,
    aggregation: Aggregation = "sum",
    max_points: int = _MAX_POINTS,
) -> dict[str, Any]:
    """A plotly figure (as JSON) of Y against X.

    :param frame: the rows.
    :param kind: bar, line, scatter, area or pie.
    :param x: the X (pie: labels) column position; ``None`` for the default.
    :param y: the Y (pie: values) column position; ``None`` to count rows.
    :param aggregation: how rows with the same X combine; ``none`` plots every row.
    :param max_points: the most rows plotted (the first ones).
    :return: the figure's JSON (``data``, ``layout``).
    :raises ValueError: for an unknown kind or aggregation.
    """
    import plotly.graph_objects as go

    if kind not in CHART_KINDS or aggregation not in AGGREGATIONS:
        raise ValueError(f"unknown chart {kind!r} or aggregation {aggregation!r}")
    if x is None:
        x = default_axes(frame)[0]
    names = [str(c) for c in frame.columns]
    if x is None:
        return json.loads(go.Figure().to_json())  # type: ignore[no-any-return]
    data = pd.DataFrame({"x": _plottable(frame.iloc[:max_points, x])})
    data["y"] = _plottable(frame.iloc[:max_points, y]) if y is not None else 1.0
    y_label = names[y] if y is not None else "rows"
    if y is None:
        aggregation = "count"
    if aggregation != "none":
        grouped = data.groupby("x", dropna=False, sort=True)["y"]
        data = (
            (grouped.size() if aggregation == "count" else grouped.agg(aggregation)).rename("y").reset_index()
        )
        y_label = "count" if aggregation == "count" and y is None else f"{aggregation}({y_label})"
    xs, ys = data["x"].tolist(), data["y"].tolist()
    if kind == "pie":
        trace: Any = go.Pie(labels=xs, values=ys)
    elif kind == "bar":
        trace = go.Bar(x=xs, y=ys)
    elif kind == "line":
        trace = go.Scatter(x=xs, y=ys, mode="lines+markers")
    elif kind == "area":
        trace = go.Scatter(x=xs, y=ys, mode="lines", fill="tozeroy")
    else:
        trace = go.Scatter(x=xs, y=ys, mode="markers")
    figure = go.Figure(trace)
    figure.update_layout(
        title=f"{y_label} by {names[x]}", margin={"l": 40, "r": 20, "t": 40, "b": 40}, height=420
    )
    if kind != "pie":
        figure.update_xaxes(title_text=names[x])
        figure.update_yaxes(title_text=y_label)
    return json.loads(figure.to_json())  # type: ignore[no-any-return]


def chart_bundle(frame: pd.DataFrame, **options: Any) -> dict[str, Any]:
    """A chart as a MIME bundle: plotly's type plus a text description.

    :param frame: the rows.
    :param options: as for :func:`chart_figure`.
    :return: the bundle.
    """
    figure = chart_figure(frame, **options)
    title = figure.get("layout", {}).get("title", {}).get("text", "chart")
    return {PLOTLY_MIME: figure, "text/plain": f"<{options.get('kind', 'bar')} chart: {title}>"}


def _display(bundle: Mapping[str, Any]) -> dict[str, Any]:
    return {"output_type": "display_data", "data": dict(bundle), "metadata": {}}


def result_view(
    frame: pd.DataFrame, *, table_bundle: Mapping[str, Any], fields: Sequence[SparkField] | None = None
) -> Any:
    """An ipywidgets view: Table / Chart buttons; in chart mode, chart type, X, Y and aggregation.

    Its output area is set directly (``Output.outputs``), not through IPython's display machinery.

    :param frame: the rows.
    :param table_bundle: what the Table mode shows.
    :param fields: the Spark schema, for column labels.
    :return: the widget (a ``VBox``).
    """
    import ipywidgets as widgets

    labels = [
        str(c) if fields is None or len(fields) != frame.shape[1] else f"{c} ({fields[i].type_name})"
        for i, c in enumerate(frame.columns)
    ]
    x0, y0 = default_axes(frame)
    mode = widgets.ToggleButtons(options=["Table", "Chart"], value="Table")
    kind = widgets.Dropdown(options=list(CHART_KINDS), value="bar", description="Chart")
    x = widgets.Dropdown(options=[(label, i) for i, label in enumerate(labels)], value=x0, description="X")
    y = widgets.Dropdown(
        options=[("(count rows)", -1)] + [(label, i) for i, label in enumerate(labels)],
        value=-1 if y0 is None else y0,
        description="Y",
    )
    aggregation = widgets.Dropdown(options=list(AGGREGATIONS), value="sum", description="Aggregate")
    controls = widgets.HBox(
        [kind, x, y, aggregation], layout=widgets.Layout(display="none", flex_flow="row wrap")
    )
    output = widgets.Output()

    def refresh(_change: Any = None) -> None:
        if mode.value == "Table":
            controls.layout.display = "none"
            output.outputs = (_display(table_bundle),)
            return
        controls.layout.display = "flex"
        try:
            chart = chart_bundle(
                frame,
                kind=kind.value,
                x=x.value,
                y=None if y.value == -1 else y.value,
                aggregation=aggregation.value,
            )
        except Exception as exc:  # noqa: BLE001 - a chart that cannot be drawn says why, in place
            chart = {"text/plain": f"This chart cannot be drawn: {exc}"}
        output.outputs = (_display(chart),)

    for control in (mode, kind, x, y, aggregation):
        control.observe(refresh, names="value")
    refresh()
    return widgets.VBox([mode, controls, output])
