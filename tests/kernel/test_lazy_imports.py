"""Kernel start-up stays light: pandas, pyarrow and plotly load on first use, not with the kernel.

Each check runs in a fresh interpreter, so modules this test process already holds do not count.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "pyarrow", "plotly", "numpy", "pyspark", "matplotlib", "fastapi")


def heavy_modules_after(code: str) -> list[str]:
    """:param code: Python to run. :return: the heavy top-level packages it left in ``sys.modules``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "module",
    [
        "sparkwire.kernel",
        "sparkwire.kernel.kernel",
        "sparkwire.magics",
        "sparkwire.engine",
        "sparkwire.engine.sql",
        "sparkwire.panel",
    ],
)
def test_importing_a_front_door_loads_no_heavy_package(module: str) -> None:
    assert heavy_modules_after(f"import {module}") == []


def test_the_sql_names_still_load_their_modules_on_first_use() -> None:
    loaded = heavy_modules_after("from sparkwire.engine.sql import SqlTransfer, result_view")
    assert {"pandas", "pyarrow"} <= set(loaded) and "plotly" not in loaded
    with pytest.raises(subprocess.CalledProcessError):
        heavy_modules_after("import sparkwire.engine.sql as sql; sql.no_such_name")
