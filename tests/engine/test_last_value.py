"""A DataFrame last expression, spotted remotely in the cell's own statement: the rewrite keeps every
other cell's behaviour (checked in the gateway's own REPL, no Spark needed), and the engine shows a
DataFrame as a typed table (real gateway)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from sparkwire.engine import LAST_DATAFRAME_VAR, Engine, load_config
from sparkwire.engine.last_value import augment, take_marker
from sparkwire.gateway.worker.repl import PythonRepl

from .recording import RecordingSink


@dataclass(frozen=True)
class Cell:
    code: str
    text: str


CELLS = [
    Cell("x = 1\nx + 1", "2"),
    Cell("print('a')\n1;  # a comment", "a\n1"),
    Cell("def f():\n    return 3\nf()", "3"),
    Cell("None", ""),
    Cell("'é' + '中' + \"\"\"'''\"\"\"", "\"é中'''\""),
    Cell("a = 1; (a,\n a * 2)", "(1, 2)"),
    Cell("[1,\n 2]  # trailing", "[1, 2]"),
]


@pytest.mark.parametrize("cell", CELLS, ids=[c.code for c in CELLS])
def test_a_rewritten_cell_shows_what_the_original_shows(cell: Cell) -> None:
    rewritten = augment(cell.code)
    assert rewritten is not None
    namespace: dict[str, object] = {}
    data = PythonRepl(namespace).execute(rewritten.code).to_output(1)["data"]
    assert data == {"text/plain": cell.text}
    assert not [name for name in namespace if "sparkwire" in name]  # nothing left behind


@pytest.mark.parametrize(
    "code", ["x = 5", "import os", "for i in range(2):\n    pass", "%json x", "def (", ""]
)
def test_cells_not_ending_with_an_expression_run_as_typed(code: str) -> None:
    assert augment(code) is None


def test_line_numbers_of_errors_do_not_move() -> None:
    code = "a = 1\nb = 2\n\n1 / 0"
    rewritten = augment(code)
    assert rewritten is not None
    output = PythonRepl({}).execute(rewritten.code).to_output(1)
    assert output["ename"] == "ZeroDivisionError"
    plain = PythonRepl({}).execute("def f():\n    return 1 / 0\nf()").to_output(1)
    again = augment("def f():\n    return 1 / 0\nf()")
    assert again is not None
    rewritten_tb = PythonRepl({}).execute(again.code).to_output(1)["traceback"]
    # Same frames and lines; the source text the server prints is the rewritten one, which is why the
    # engine shows the line as the user typed it (tests/engine/test_tracebacks.py).
    assert [entry.split("\n")[0] for entry in rewritten_tb] == [
        entry.split("\n")[0] for entry in plain["traceback"]
    ]


def test_the_marker_is_taken_only_when_it_is_a_whole_line() -> None:
    rewritten = augment("df")
    assert rewritten is not None
    marker = rewritten.marker
    assert take_marker(f"hello\n{marker}", marker) == ("hello", True)
    assert take_marker(f"{marker}\n", marker) == ("", True)
    assert take_marker(f"say {marker}", marker) == (f"say {marker}", False)
    assert take_marker(None, marker) == (None, False)
    assert augment("df") is not None and augment("df").marker != marker  # type: ignore[union-attr]


def test_the_tail_embeds_its_arguments_as_json_literals() -> None:
    rewritten = augment("df")
    assert rewritten is not None
    assert rewritten.code.splitlines()[0] == f"{LAST_DATAFRAME_VAR} = (df)"
    assert f'"\\"{rewritten.marker}\\""' in rewritten.code


@pytest.fixture
def engine(gateway_url: str, pyspark_session: int, tmp_path: object) -> Iterator[Engine]:
    engine = Engine(load_config({"HOME": str(tmp_path), "SPARKWIRE_URL": gateway_url}))
    engine.registry.attach("main", pyspark_session)
    try:
        yield engine
    finally:
        engine.close()


def test_the_engine_shows_a_dataframe_last_expression_as_a_typed_table(engine: Engine) -> None:
    result = engine.run(
        "main",
        "print('hi')\nspark.range(3).selectExpr('id', 'id > 0 AS big')",
        sink=RecordingSink(),
        show_dataframe=True,
    )
    assert result.ok and result.frame is not None
    assert result.rendered.stdout == "hi\n"
    assert result.rendered.bundle is not None and "boolean" in result.rendered.bundle["text/html"]
    assert result.frame.frame["big"].tolist() == [False, True, True]
    plain = engine.run("main", "spark.range(3)", sink=RecordingSink())
    assert plain.rendered.stdout == "DataFrame[id: bigint]\n" and plain.frame is None


def test_the_engine_transfer_is_shared_and_probes_once(engine: Engine) -> None:
    from sparkwire.engine.sql import SqlQuery

    first = engine.sql("main", SqlQuery.from_sql("SELECT 1 AS one"))
    second = engine.sql("main", SqlQuery.from_sql("SELECT 2 AS two"))
    assert first.ok and second.ok and second.frame is not None and second.frame["two"].tolist() == [2]
    assert engine.transfer is engine.transfer
    failed = engine.sql("main", SqlQuery.from_sql("SELEC nonsense"))
    assert failed.error is not None and failed.error.ename == "ParseException" and failed.result is None
