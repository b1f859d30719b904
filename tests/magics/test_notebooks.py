"""Notebooks on real IPython kernels through nbclient: a sparkmagic notebook with only its ``%load_ext``
line changed, a second notebook attaching to the first one's session, and errors stopping a run."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import requests
from nbclient.exceptions import CellExecutionError

from tests.support.gateway_process import RunningGateway

from .conftest import (
    AUTH,
    FILES,
    PASSWORD,
    USER,
    all_outputs,
    client,
    gateway_sessions,
    new_notebook,
    output_text,
)


def _spawn_session(gateway: RunningGateway) -> int:
    """A session nobody uses, to be deleted by id (deleted while its JVM starts, so it costs little)."""
    reply = requests.post(
        f"{gateway.url}/sessions",
        json={"kind": "pyspark"},
        auth=(USER, PASSWORD),
        headers={"X-Requested-By": "tests"},
        timeout=30,
    )
    reply.raise_for_status()
    return int(reply.json()["id"])


def _attach_and_read(
    gateway: RunningGateway, session_id: int, spawned: int, cwd: Path
) -> nbformat.NotebookNode:
    notebook = new_notebook(
        "%load_ext sparkwire.magics",
        f"%spark add -s x -l python -u {gateway.url} {AUTH} --id {session_id}",
        "%%spark\nprint(label, basket.count())",
        f"%spark delete -u {gateway.url} {AUTH} -i {spawned}",
        "%spark cleanup",
    )
    client(notebook, cwd).execute()
    return notebook


def test_a_sparkmagic_notebook_runs_with_only_its_load_ext_line_changed(
    basic_gateway: RunningGateway, tmp_path: Path
) -> None:
    source = (FILES / "magics_sparkmagic_style.ipynb").read_text()
    assert source.count("%load_ext sparkmagic.magics") == 1
    notebook = nbformat.reads(
        source.replace("%load_ext sparkmagic.magics", "%load_ext sparkwire.magics").replace(
            "http://localhost:8998", basic_gateway.url
        ),  # the user's endpoint, as in any notebook
        as_version=4,
    )
    cells = {cell.source: cell for cell in notebook.cells if cell.cell_type == "code"}
    second = None
    nb_client = client(notebook, tmp_path)
    with nb_client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            nb_client.execute_cell(cell, index)
            if cell.source == "%spark info":
                # While this notebook's kernel lives, a second notebook attaches to its session by id.
                match = re.search(r"^fruits\s*\|\s*(\d+)\s*\|", output_text(cell), re.MULTILINE)
                assert match, output_text(cell)
                spawned = _spawn_session(basic_gateway)
                second = _attach_and_read(basic_gateway, int(match.group(1)), spawned, tmp_path)

    def seen(start: str) -> str:
        return output_text(next(cell for source, cell in cells.items() if source.startswith(start)))

    assert "3" in seen("%%spark -s fruits\nbasket")
    assert "5050" in seen("%%spark -s numbers\nlabel")
    assert seen("%%spark -s fruits\nprint(label)").strip().endswith("the fruits session")
    assert seen("%%spark -s numbers\nprint(label)").strip().endswith("the numbers session")
    assert "basket" in seen("%%spark -s fruits -c sql\nSHOW TABLES")
    merged = seen("merged = ")
    assert "apple" in merged and "3.75" in merged and "2.50" in merged
    assert "apple" not in seen("%%spark -s fruits -c sql -o plenty -q")  # -q: stored, not shown
    assert "apple" in seen("%%spark -s fruits -c sql -o counts")  # shown, as the engine's table
    assert seen('list(plenty["fruit"])') == "['apple', 'pear']"
    assert seen('list(evens["id"])') == "[0, 2, 4, 6, 8]"
    assert "not added again (-k)" in output_text(
        cells[f"%spark add -s fruits -l python -u {basic_gateway.url} {AUTH} -k"]
    )
    assert "Deleted session" in seen("%spark delete -s numbers")
    assert "Deleted sessions" in seen("%spark cleanup")

    assert second is not None
    # The cell's output, after the one-line Spark jobs summary when its job ran over half a second.
    assert output_text(second.cells[2]).strip().splitlines()[-1] == "the fruits session 3"
    assert f"Deleted session {spawned}" in output_text(second.cells[3])
    assert "Detached from 'x'" in output_text(second.cells[4])

    live = [s for s in gateway_sessions(basic_gateway) if s["state"] not in ("dead", "killed", "success")]
    assert live == [], live
    for executed in (notebook, second):
        assert PASSWORD not in all_outputs(executed)


def test_errors_stop_the_run_and_bad_flags_give_a_usage_line(
    gateway_url: str, pyspark_session: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPARKWIRE_URL", gateway_url)  # the default endpoint: no -u needed
    notebook = new_notebook(
        "%load_ext sparkwire.magics",
        f"%spark add -s s --id {pyspark_session}",
        "%spark add -s t --no-such-flag",
        "%%spark -c nonsense\n1",
        "%%spark\ndef boom():\n    return 1 / 0\nboom()",
        "print('never runs')",
        raises=(2, 3),
    )
    with pytest.raises(CellExecutionError) as info:
        client(notebook, tmp_path).execute()
    assert "ZeroDivisionError" in str(info.value)
    _, attach, bad_flag, bad_context, failing, after = notebook.cells
    assert "Attached session" in output_text(attach)
    for cell, words in (
        (bad_flag, "unrecognized arguments: --no-such-flag"),
        (bad_context, "invalid choice"),
    ):
        assert [o["output_type"] for o in cell.outputs] == ["stream"], cell.outputs  # no traceback
        assert cell.outputs[0]["name"] == "stderr"
        assert cell.outputs[0]["text"].startswith("UsageError: ") and words in cell.outputs[0]["text"]
    (error,) = [o for o in failing.outputs if o["output_type"] == "error"]
    assert error["ename"] == "ZeroDivisionError"
    shown = output_text(failing)
    assert "in boom" in shown and "ZeroDivisionError: division by zero" in shown  # the remote traceback
    assert "sparkwire" not in shown and "site-packages" not in shown  # none of our own frames
    assert after.execution_count is None and after.outputs == []


def test_errors_name_the_users_line_and_v_keeps_every_frame(
    gateway_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/files/errors_magics.ipynb: each failing cell is tagged raises-exception, so all run."""
    monkeypatch.setenv("SPARKWIRE_URL", gateway_url)
    notebook = nbformat.read(FILES / "errors_magics.ipynb", as_version=4)
    client(notebook, tmp_path).execute()
    _, _, division, analysis, verbose, sql, _ = notebook.cells
    shown = output_text(division)
    assert "Cell line 3\n    ratio = x / y\nZeroDivisionError: division by zero" in shown, shown
    shown = output_text(analysis)
    assert 'Cell line 2, in load\n    return spark.sql(f"SELECT * FROM {name}")' in shown, shown
    assert "java_gateway.py" not in shown and "site-packages" not in shown, shown
    assert shown.count("The table or view `no_such_table` cannot be found") == 1, shown
    assert "Spark error class TABLE_OR_VIEW_NOT_FOUND (SQLSTATE 42P01)" in shown, shown
    shown = output_text(verbose)  # -v: PySpark's and py4j's frames, and the logical plan
    assert "java_gateway.py" in shown and "pyspark" in shown and "UnresolvedRelation" in shown, shown
    assert shown.count("The table or view `no_such_table` cannot be found") == 1, shown
    shown = output_text(sql)
    assert shown.count("The table or view `no_such_table` cannot be found") == 1, shown
    assert "TABLE_OR_VIEW_NOT_FOUND" in shown and "org.apache" not in shown, shown
