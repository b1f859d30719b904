"""Notebooks from tests/files run with nbclient on one Remote PySpark kernel (one Spark session)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .conftest import TIMEOUT, RunningKernel

FILES = Path(__file__).resolve().parent.parent / "files"


@pytest.fixture
def kernel(gateway_kernel: RunningKernel) -> RunningKernel:
    return gateway_kernel


def run_notebook(notebook: Any, kernel: RunningKernel) -> Any:
    """Run a notebook on the shared kernel, through a client of its own."""
    client = NotebookClient(notebook, km=kernel.km, timeout=TIMEOUT, kernel_name="remote-pyspark")
    client.kc = kernel.separate_client()
    client.kc.start_channels()
    try:
        return client.execute()
    finally:
        client.kc.stop_channels()


def normalise(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep what a reader sees for good: no session start view, no removed progress bar, no Spark jobs
    summary (its timing varies); Pi rounded."""
    kept = []
    for output in outputs:
        data = output.get("data", {})
        if output["output_type"] == "display_data" and (
            not data
            or str(data.get("text/plain", "")).startswith(("Spark session ", "Creating a Spark", "Spark: "))
        ):
            continue
        if output["output_type"] == "stream":
            kept.append(
                {
                    "output_type": "stream",
                    "name": output["name"],
                    "text": re.sub(r"Pi is roughly 3\.1\d+", "Pi is roughly 3.14", output["text"]),
                }
            )
        else:
            kept.append({"output_type": output["output_type"], "text/plain": data.get("text/plain")})
    return kept


def test_livy_pi_example_notebook(kernel: RunningKernel) -> None:
    expected = nbformat.read(FILES / "pi.ipynb", as_version=4)
    executed = run_notebook(nbformat.read(FILES / "pi.ipynb", as_version=4), kernel)
    for want, got in zip(expected.cells, executed.cells, strict=True):
        if want.cell_type == "code":
            assert normalise(got.outputs) == normalise(want.outputs), want.source


def test_an_error_cell_stops_the_run(kernel: RunningKernel) -> None:
    notebook = nbformat.read(FILES / "error.ipynb", as_version=4)
    with pytest.raises(CellExecutionError) as info:
        run_notebook(notebook, kernel)
    assert "ZeroDivisionError" in str(info.value)
    first, failing, after = notebook.cells
    assert first.execution_count is not None
    assert failing.outputs[-1]["output_type"] == "error"
    assert after.execution_count is None and after.outputs == []  # never ran


def test_the_example_notebook_that_make_run_opens(kernel: RunningKernel) -> None:
    """examples/remote-pyspark.ipynb is the main job's notebook: every cell must run, with real results."""
    path = FILES.parent.parent / "examples" / "remote-pyspark.ipynb"
    notebook = run_notebook(nbformat.read(path, as_version=4), kernel)
    texts = [
        "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
    assert re.search(r"Pi is roughly 3\.1\d", texts[0]), texts[0]
    assert "|Grace| 45|New York|" in texts[1], texts[1]  # people.show()
    sql_html = "".join(str(o.get("data", {}).get("text/html", "")) for o in notebook.cells[4].outputs)
    assert "Grace" in sql_html and "Linus" not in sql_html
    assert "name" in texts[3] and "age" in texts[3], texts[3]  # %%local: the -o variable's dtypes


def test_a_notebook_shows_a_dataframe_as_a_typed_table(kernel: RunningKernel) -> None:
    notebook = run_notebook(nbformat.read(FILES / "dataframes.ipynb", as_version=4), kernel)
    table, sql, dtypes, sent, printed = (cell for cell in notebook.cells if cell.cell_type == "code")
    (result,) = [o for o in table.outputs if o["output_type"] == "execute_result"]
    html = result["data"]["text/html"]
    assert "<table" in html and "Grace" in html and "int" in html and "string" in html
    assert "DataFrame[" not in result["data"]["text/plain"]
    assert "Grace" in "".join(str(o.get("data", {}).get("text/html", "")) for o in sql.outputs)
    assert "'age': 'int32'" in "".join(o.get("text", "") for o in dtypes.outputs)
    assert "Sent 1 row x 3 columns to older_again" in "".join(o.get("text", "") for o in sent.outputs)
    assert "".join(o.get("text", "") for o in printed.outputs) == 'it\'s "quoted"\nand multi-line\n'


def _error_text(cell: Any) -> str:
    (error,) = [o for o in cell.outputs if o["output_type"] == "error"]
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error["traceback"]))


def test_errors_name_the_users_line_and_hide_spark_internals(kernel: RunningKernel) -> None:
    """tests/files/errors_kernel.ipynb: each failing cell is tagged raises-exception, so all run."""
    notebook = run_notebook(nbformat.read(FILES / "errors_kernel.ipynb", as_version=4), kernel)
    division, analysis, sql, task, after = notebook.cells
    shown = _error_text(division)
    assert "Cell line 3\n    ratio = x / y\nZeroDivisionError: division by zero" in shown, shown
    shown = _error_text(analysis)
    assert 'Cell line 4\n    load("no_such_table")' in shown, shown
    assert 'Cell line 2, in load\n    return spark.sql(f"SELECT * FROM {name}")' in shown, shown
    assert "java_gateway.py" not in shown and "site-packages" not in shown, shown
    assert shown.count("The table or view `no_such_table` cannot be found") == 1, shown
    assert "Spark error class TABLE_OR_VIEW_NOT_FOUND (SQLSTATE 42P01)" in shown, shown
    assert "UnresolvedRelation" not in shown, shown
    shown = _error_text(sql)
    assert shown.count("The table or view `no_such_table` cannot be found") == 1, shown
    assert "Spark error class TABLE_OR_VIEW_NOT_FOUND" in shown and "org.apache" not in shown, shown
    shown = _error_text(task)
    assert "A Spark task failed" in shown and shown.count("Cell line 2, in inverse") == 1, shown
    assert "Cell line 2, in inverse\n    return 1 / x\nZeroDivisionError: division by zero" in shown, shown
    assert shown.count("ZeroDivisionError") == 1 and "worker.py" not in shown and "\tat " not in shown, shown
    assert "3" in "".join(o.get("text", "") for o in after.outputs)


def test_the_live_jobs_view_collapses_to_one_line_in_a_saved_notebook(kernel: RunningKernel) -> None:
    """nbclient applies display updates in place: what stays is the one-line summary, not the live lines."""
    cell = nbformat.v4.new_code_cell(
        "import time\n"
        "pairs = sc.parallelize(range(8), 4).map(lambda x: (x % 2, x)).map(lambda kv: time.sleep(0.3) or kv)\n"
        "print(sorted(pairs.reduceByKey(lambda a, b: a + b).collect()))"
    )
    notebook = run_notebook(nbformat.v4.new_notebook(cells=[cell]), kernel)
    outputs = notebook.cells[0].outputs
    texts = [
        str(o.get("data", {}).get("text/plain", "")) for o in outputs if o["output_type"] == "display_data"
    ]
    summaries = [t for t in texts if t.startswith("Spark: 1 job, 2 stages, 8 tasks in ")]
    assert len(summaries) == 1, texts
    assert not any("RUNNING" in t or "stage 0" in t for t in texts), texts
    assert "[(0, 12), (1, 16)]" in "".join(o.get("text", "") for o in outputs)
