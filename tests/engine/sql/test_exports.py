"""The package re-exports exactly its modules' public names."""

from __future__ import annotations

import importlib

import sparkwire.engine.sql as package

MODULES = ["cells", "chart", "decode", "errors", "query", "render", "schema", "send", "transfer"]


def test_everything_exported_exists_and_modules_declare_all() -> None:
    for name in package.__all__:
        assert hasattr(package, name), name
    for module_name in MODULES:
        module = importlib.import_module(f"sparkwire.engine.sql.{module_name}")
        for name in module.__all__:
            assert hasattr(module, name), f"{module_name}.{name}"
