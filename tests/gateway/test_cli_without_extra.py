"""``sparkwire gateway`` in a light install (no ``sparkwire[gateway]`` extra) says how to get it.

The light install is produced in a subprocess by blocking the extra's modules (``sys.modules[name] =
None`` makes both ``import`` and ``importlib.util.find_spec`` see them as absent), which is what a
venv without them looks like to the CLI; ``tests/packaging`` installs a real light wheel as well.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

_RUN = (
    "import sys\n"
    "for name in sys.argv[1:]: sys.modules[name] = None\n"
    "from sparkwire.cli import main\n"
    "sys.exit(main(['gateway']))\n"
)


@pytest.mark.parametrize("module", ["fastapi", "pyspark", "uvicorn"])
def test_gateway_without_its_extra_names_the_pip_command(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _RUN, module], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"sparkwire gateway: {module} is not installed. The gateway is an optional part of sparkwire; "
        'install it into this environment with: pip install "sparkwire[gateway]"'
    )


def test_a_module_missing_behind_the_import_boundary_gets_the_same_message() -> None:
    """starlette (fastapi's base) is not looked for up front: the import of the server catches it."""
    result = subprocess.run(
        [sys.executable, "-c", _RUN, "starlette"], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "starlette is not installed" in result.stderr
    assert 'pip install "sparkwire[gateway]"' in result.stderr
    assert "Traceback" not in result.stderr
