#!/usr/bin/env bash
# mypy cannot follow setuptools' package-dir mapping through the editable install, so it would see
# sparkwire.livy (and the rest) as Any from other packages. Mirror the installed layout with symlinks
# and check the whole package through it, so calls across packages are type-checked too.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=build/typecheck/sparkwire
rm -rf build/typecheck && mkdir -p "$tree"
for f in sparkwire/*.py sparkwire/py.typed; do ln -s "$PWD/$f" "$tree/$(basename "$f")"; done
# package -> folder, read from pyproject's package-dir so this never drifts from the real mapping.
.venv/bin/python - <<'PY' | while read -r name folder; do ln -s "$PWD/$folder" "$tree/$name"; done
import tomllib
dirs = tomllib.load(open("pyproject.toml", "rb"))["tool"]["setuptools"]["package-dir"]
for package, folder in dirs.items():
    if package.count(".") == 1:
        print(package.split(".")[1], folder)
PY
MYPYPATH=build/typecheck .venv/bin/mypy -p sparkwire "$@"
