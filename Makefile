# The two commands of the README:
#   make run   set up, then JupyterLab with the sparkwire gateway and a Remote PySpark notebook ready
#   make test  set up, then every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.sparkwire-installed

.PHONY: run test setup check-java bench lint clean

run: setup
	@scripts/run-lab.sh

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: check-java $(STAMP)

check-java:
	@scripts/check-java.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

bench: setup
	$(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .
	scripts/typecheck.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache
