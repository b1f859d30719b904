"""Livy's %json, %table and %matplot magics; none of these needs Spark."""

from __future__ import annotations

import base64
import datetime
import decimal
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from sparkwire.gateway.worker.magics import use_headless_matplotlib
from sparkwire.gateway.worker.repl import PythonRepl
from sparkwire.gateway.worker.table import TableError, convert, to_table

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def repl(monkeypatch: pytest.MonkeyPatch) -> Iterator[PythonRepl]:
    monkeypatch.setenv("MPLBACKEND", "Agg")  # restored afterwards, whatever use_headless_matplotlib sets
    use_headless_matplotlib()
    yield PythonRepl({"__name__": "__main__"})
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def test_use_headless_matplotlib_forces_agg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    use_headless_matplotlib()
    assert os.environ["MPLBACKEND"] == "Agg"


@pytest.mark.parametrize(
    "code",
    [
        "import matplotlib.pyplot as plt\n_ = plt.plot([1, 3, 2])\n%matplot plt",
        "import matplotlib.pyplot as pyplot\nfig = pyplot.figure()\n_ = fig.gca().bar([1, 2], [3, 4])\n%matplot fig",
    ],
    ids=["pyplot", "figure"],
)
def test_matplot_gives_a_png(repl: PythonRepl, code: str) -> None:
    result = repl.execute(code)
    assert result.is_ok, result
    assert set(result.data) == {"image/png"}  # Livy's empty text/plain is dropped beside an image
    assert base64.b64decode(result.data["image/png"]).startswith(PNG_SIGNATURE)


def test_matplot_keeps_printed_text(repl: PythonRepl) -> None:
    result = repl.execute("import matplotlib.pyplot as plt\nprint('plotting')\n%matplot plt")
    assert result.data["text/plain"] == "plotting"
    assert "image/png" in result.data


def test_matplot_of_something_else_is_an_error(repl: PythonRepl) -> None:
    result = repl.execute("n = 3\n%matplot n")
    assert (result.status, result.ename) == ("error", "TypeError")
    assert "matplotlib.pyplot" in result.evalue


def test_json_of_a_value_json_cannot_hold_is_an_error(repl: PythonRepl) -> None:
    result = repl.execute("s = {1, 2}\n%json s")
    assert (result.status, result.ename) == ("error", "TypeError")
    assert "set" in result.evalue


def test_json_result_is_a_snapshot(repl: PythonRepl) -> None:
    result = repl.execute("d = {'a': [1]}\n%json d")
    repl.execute("d['a'].append(2)")
    assert result.data["application/json"] == {"a": [1]}


@pytest.mark.parametrize("code", ["%json", "%table   ", "%"])
def test_magic_without_a_name_is_an_error(repl: PythonRepl, code: str) -> None:
    assert repl.execute(code).status == "error"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("NULL_TYPE", None)),
        (True, ("BOOLEAN_TYPE", True)),
        (7, ("INT_TYPE", 7)),
        (2.5, ("DOUBLE_TYPE", 2.5)),
        ("s", ("STRING_TYPE", "s")),
        (datetime.date(2024, 1, 31), ("DATE_TYPE", "2024-01-31")),
        (datetime.datetime(2024, 1, 31, 8, 30), ("TIMESTAMP_TYPE", "2024-01-31 08:30:00")),
        (decimal.Decimal("1.50"), ("DECIMAL_TYPE", "1.50")),
        ([1, None, 2], ("ARRAY_TYPE", [1, None, 2])),
        ((1, 2), ("ARRAY_TYPE", [1, 2])),
        ({"k": 1, "j": None}, ("MAP_TYPE", {"k": 1, "j": None})),
        ({1: "a", 2: "b"}, ("MAP_TYPE", {"1": "a", "2": "b"})),
        (object, ("STRING_TYPE", "<class 'object'>")),
    ],
)
def test_table_cell_types_are_livys(value: object, expected: tuple[str, Any]) -> None:
    assert convert(value) == expected


def test_table_numpy_numbers_keep_their_kind() -> None:
    numpy = pytest.importorskip("numpy")
    assert convert(numpy.int64(3)) == ("INT_TYPE", 3)
    assert convert(numpy.float32(0.5)) == ("DOUBLE_TYPE", 0.5)


def test_table_of_scalars_and_a_single_value() -> None:
    assert to_table([1, 2]) == {"headers": [{"name": "0", "type": "INT_TYPE"}], "data": [[1], [2]]}
    assert to_table("one") == {"headers": [{"name": "0", "type": "STRING_TYPE"}], "data": [["one"]]}
    assert to_table([]) == {"headers": [], "data": []}


def test_table_column_type_comes_from_the_first_non_null() -> None:
    table = to_table([[None], ["x"], [None]])
    assert table["headers"] == [{"name": "0", "type": "STRING_TYPE"}]


@pytest.mark.parametrize(
    "rows",
    [
        [[1, 2], [3]],
        [{"a": 1}, {"b": 1}],
        [[1], {"a": 1}],
        [[[1, "x"]]],
        [[1], [2.0]],
        [[{"k": 1, 2: 3}]],
    ],
    ids=["lengths", "keys", "list-and-dict", "mixed-array", "int-then-double", "mixed-map-keys"],
)
def test_table_rejects_rows_of_different_shapes_or_types(rows: list[Any]) -> None:
    with pytest.raises(TableError):
        to_table(rows)
