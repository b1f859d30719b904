"""Every sparkmagic kernel magic exists in the Remote PySpark kernel; %%pretty and %%spark on a real kernel.

sparkmagic's kernel magics (``sparkmagic/kernels/kernelmagics.py``): help, info, logs, configure, spark,
sql, local, send_to_spark, cleanup, delete, pretty (cell magics) and matplot (a line magic).
"""

from __future__ import annotations

import pytest

from sparkwire.engine.rendering import Table
from sparkwire.engine.show_table import split_show_output
from sparkwire.kernel.parsing import MAGICS, parse_cell

from .conftest import RunningKernel

SPARKMAGIC_CELL_MAGICS = (
    "help",
    "info",
    "logs",
    "configure",
    "spark",
    "sql",
    "local",
    "send_to_spark",
    "cleanup",
    "delete",
    "pretty",
)


@pytest.fixture
def kernel(gateway_kernel: RunningKernel) -> RunningKernel:
    return gateway_kernel


@pytest.mark.parametrize("name", SPARKMAGIC_CELL_MAGICS)
def test_each_sparkmagic_cell_magic_is_a_kernel_magic(name: str) -> None:
    assert name in MAGICS
    command = parse_cell(f"%%{name}\n")
    assert command is not None and command.name == name


def test_matplot_goes_to_the_remote_repl_as_sparkmagic_sends_it() -> None:
    assert parse_cell("%matplot plt") is None  # run remotely: the Livy REPL implements %matplot


def test_show_grids_are_split_from_the_text_around_them() -> None:
    text = (
        "rows:\n+---+-----+\n| id| name|\n+---+-----+\n|  1|  a|b|\n|  2| NULL|\n+---+-----+\n"
        "only showing top 2 rows\n+---+\n|  x|\n+---+\n+---+\n"
    )
    first, table, note, empty = split_show_output(text)
    assert first == "rows:" and note == "only showing top 2 rows"
    assert isinstance(table, Table) and table.columns == (("id", ""), ("name", ""))
    assert table.rows == (["1", "a|b"], ["2", "NULL"])  # a "|" inside a value stays in it
    assert isinstance(empty, Table) and empty.columns == (("x", ""),) and empty.rows == ()
    assert split_show_output("+--+ not a grid\n|x|") == ["+--+ not a grid\n|x|"]


def test_pretty_shows_a_dataframe_show_as_an_html_table(kernel: RunningKernel) -> None:
    run = kernel.run(
        '%%pretty\nprint("before")\nspark.createDataFrame([(1, "<b>"), (2, None)], "id int, '
        'tag string").show()'
    )
    assert run.status == "ok", run.reply
    (bundle,) = [data for data in run.results if "text/html" in data]
    markup = bundle["text/html"]
    assert "<th" in markup and ">id</th>" in markup and ">tag</th>" in markup
    assert "<td>&lt;b&gt;</td>" in markup and "<td>NULL</td>" in markup  # escaped, as show() printed it
    assert "<pre>before</pre>" in markup
    assert "+---+----+" in bundle["text/plain"]  # the text stays for frontends without HTML


def test_pretty_without_a_table_shows_the_output_as_is(kernel: RunningKernel) -> None:
    run = kernel.run("%%pretty\nprint('plain')\n1 + 1")
    assert run.status == "ok" and run.stdout == "plain\n2\n"


def test_spark_magic_runs_the_cell_and_o_copies_a_dataframe(kernel: RunningKernel) -> None:
    run = kernel.run("%%spark -o evens\nevens = spark.range(10).where('id % 2 = 0')\nprint(evens.count())")
    assert run.status == "ok" and run.stdout == "5\n", run.reply
    local = kernel.run("%%local\nprint(list(evens['id']))")
    assert local.stdout == "[0, 2, 4, 6, 8]\n"


def test_spark_magic_v_keeps_pyspark_frames(kernel: RunningKernel) -> None:
    plain = kernel.run('spark.sql("SELECT * FROM no_such_table")')
    verbose = kernel.run('%%spark -v\nspark.sql("SELECT * FROM no_such_table")')
    assert plain.status == verbose.status == "error"
    assert "java_gateway.py" not in plain.error_text and "frames hidden" in plain.error_text
    assert "java_gateway.py" in verbose.error_text and "hidden" not in verbose.error_text
