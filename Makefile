# The two commands of the README:
#   make run   set up, then JupyterLab with the sparkwire gateway and a Remote PySpark notebook ready
#              (PORT=8998 for the gateway, LAB_PORT=8888 for JupyterLab; kernels and panel follow PORT)
#   make test  set up, then every test
PYTHON ?= python3
PORT     ?= 8998
LAB_PORT ?= 8888
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.sparkwire-installed

.PHONY: FORCE run test test-spark35 setup check-java kerberos-setup check-node check-chromium labextension-build bench bench-env lint format clean

# The script takes the place of make's shell, and make's own Ctrl-C report is silenced: the script
# stops both servers and says goodbye itself.
run: setup
	@PORT=$(PORT) LAB_PORT=$(LAB_PORT) exec scripts/run-lab.sh

test: setup check-chromium kerberos-setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)
ifneq ($(SPARK35),0)
	@$(MAKE) --no-print-directory test-spark35
endif

# The gateway's API, REPL, SQL-interpreter, SQL-transfer, standalone-master and Scala tests a second time, on
# PySpark 3.5 (the line many clusters run), in their own venv installed from this checkout with
# .ci/spark35-constraints.txt. `make test SPARK35=0` skips them.
SPARK35_VENV  := .venv-spark35
SPARK35_STAMP := $(SPARK35_VENV)/.sparkwire-installed
SPARK35_TESTS := tests/gateway/test_api_requests.py tests/gateway/test_repl.py \
                 tests/gateway/test_sql_interpreter.py tests/engine/sql/test_transfer.py \
                 tests/gateway/test_standalone_master.py tests/gateway/test_scala.py

test-spark35: check-java $(SPARK35_STAMP)
	@echo "Gateway tests on $$($(SPARK35_VENV)/bin/python -c 'import pyspark; print("PySpark", pyspark.__version__)'):"
	$(SPARK35_VENV)/bin/python -m pytest -p no:cacheprovider $(SPARK35_TESTS)

$(SPARK35_STAMP): pyproject.toml .ci/spark35-constraints.txt
	@test -x $(SPARK35_VENV)/bin/python || $(PYTHON) -m venv $(SPARK35_VENV)
	@echo "Installing sparkwire with PySpark 3.5 into $(SPARK35_VENV)..."
	@$(SPARK35_VENV)/bin/python -m pip install --quiet -c .ci/spark35-constraints.txt $(EDITABLE) ".[test]"
	@touch $@

# What `make run` needs; the browser for the panel's end-to-end test is checked by `make test` only.
setup: check-java $(STAMP) labextension-build

# MIT Kerberos for the SPNEGO tests (a KDC, kinit, and the headers python-gssapi builds against), then
# the kerberos extra. Tests only: `make run` needs none of it.
KRB_STAMP := $(VENV)/.sparkwire-kerberos

kerberos-setup: $(KRB_STAMP)

$(KRB_STAMP): $(STAMP)
	@scripts/install-kdc.sh
	@if command -v krb5-config >/dev/null; then $(BIN)/python -m pip install --quiet $(EDITABLE) ".[test,kerberos]"; \
	  else echo "MIT Kerberos headers missing: the kerberos extra is not installed and its tests skip."; fi
	@touch $@

check-java:
	@scripts/check-java.sh

# Strict editable install: the package is a tree of links (build/__editable__.*) to the top-level
# folders, as in a wheel, so mypy and ruff see one package `sparkwire`; a new or removed module needs a
# re-install, which `make setup` does whenever the list of modules changes (MODULES_LIST).
EDITABLE     := --config-settings editable_mode=strict -e
PACKAGE_DIRS := cli livy engine gateway kernel magics batch panel
MODULES      := $(sort $(shell find $(PACKAGE_DIRS) -name '*.py' -not -path '*/__pycache__/*' 2>/dev/null))
MODULES_LIST := $(VENV)/.sparkwire-modules

# Rewritten only when the list differs, so an unchanged tree does not re-install.
$(MODULES_LIST): FORCE
	@mkdir -p $(VENV)
	@echo "$(MODULES)" | cmp -s - $@ || echo "$(MODULES)" > $@

FORCE:

$(STAMP): pyproject.toml $(MODULES_LIST)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing sparkwire (editable, strict) and its test dependencies into $(VENV)..."
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet $(EDITABLE) ".[test]"
	@touch $(STAMP)

# The JupyterLab panel (labextension/): npm install when the lock changes, build when a source changes,
# then link the build and the server extension's config into the venv (an editable install does not
# install data-files; a wheel ships both). LABEXT_SRC lists what triggers a rebuild.
LABEXT        := labextension
LABEXT_NODE   := $(LABEXT)/node_modules/.package-lock.json
LABEXT_STAMP  := $(VENV)/.sparkwire-labextension
LABEXT_LOG    := $(VENV)/labextension-build.log
LABEXT_SRC    := $(shell find $(LABEXT)/src $(LABEXT)/style $(LABEXT)/schema -type f 2>/dev/null) \
                 $(LABEXT)/package.json $(LABEXT)/tsconfig.json $(LABEXT)/install.json
LABEXT_TARGET := $(VENV)/share/jupyter/labextensions/sparkwire-labextension
SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.d/sparkwire.json
# Debian's chromium: the panel's end-to-end test drives it with playwright-core (no browser download).
CHROMIUM      ?= /usr/bin/chromium

labextension-build: $(LABEXT_STAMP)

check-node:
	@command -v node >/dev/null && command -v npm >/dev/null || \
	  { echo "Building the JupyterLab panel needs Node.js >= 20.19 and npm (e.g. apt-get install nodejs npm)." >&2; exit 1; }
	@node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a == 20 && b >= 19) ? 0 : 1)' || \
	  { echo "Node.js $$(node --version) is too old to build the JupyterLab panel: it needs >= 20.19." >&2; exit 1; }

$(LABEXT_NODE): $(LABEXT)/package.json $(LABEXT)/package-lock.json | check-node
	@cd $(LABEXT) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(LABEXT_STAMP): $(STAMP) $(LABEXT_NODE) $(LABEXT_SRC)
	@echo "Building the JupyterLab sidebar (log: $(LABEXT_LOG))..."
	@cd $(LABEXT) && PATH="$(abspath $(BIN)):$$PATH" npm run --silent build >$(abspath $(LABEXT_LOG)) 2>&1 || \
	  { cat $(LABEXT_LOG) >&2; echo "Building the JupyterLab sidebar failed (see above)." >&2; exit 1; }
	@mkdir -p $(dir $(LABEXT_TARGET)) $(dir $(SERVER_CONFIG))
	@rm -rf $(LABEXT_TARGET) && ln -s $(abspath $(LABEXT)/prebuilt) $(LABEXT_TARGET)
	@ln -sf $(abspath panel/jupyter-config/server-config/sparkwire.json) $(SERVER_CONFIG)
	@touch $@

check-chromium:
	@test -x $(CHROMIUM) && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium (for the panel's browser test)..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "The panel's browser test needs Chromium at $(CHROMIUM): install it (sudo apt-get install chromium)" \
	       "or run make with CHROMIUM=/path/to/chromium." >&2; exit 1; \
	fi

bench: setup bench-env
	$(BIN)/python -m bench

# sparkmagic, the SQL benchmark's baseline, in its own venv: its pins clash with ours, and it needs
# Kerberos headers to build (Debian: libkrb5-dev).
BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.sparkmagic-installed

bench-env: $(BENCH_STAMP)

$(BENCH_STAMP):
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet "sparkmagic==0.23.0" || \
		{ echo "sparkmagic did not install; on Debian/Ubuntu it needs: apt-get install libkrb5-dev"; exit 1; }
	@touch $(BENCH_STAMP)

# ruff (lint and format check), and mypy strict on the installed package (the strict editable install
# links every folder into it), both from the dev extra, and eslint and prettier on the sidebar's
# sources. Needs no Java and no sidebar build. `make format` rewrites what the format checks flag.
DEV_STAMP := $(VENV)/.sparkwire-dev

lint: $(DEV_STAMP) $(LABEXT_NODE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy -p sparkwire
	cd $(LABEXT) && node_modules/.bin/eslint src
	cd $(LABEXT) && node_modules/.bin/prettier --check src test ui-tests

format: $(DEV_STAMP) $(LABEXT_NODE)
	$(BIN)/ruff check --select I --fix .
	$(BIN)/ruff format .
	cd $(LABEXT) && node_modules/.bin/prettier --write src test ui-tests

$(DEV_STAMP): $(STAMP)
	@echo "Installing the lint tools (the dev extra) into $(VENV)..."
	@$(BIN)/python -m pip install --quiet $(EDITABLE) ".[dev]"
	@touch $@

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(SPARK35_VENV) build *.egg-info .pytest_cache .mypy_cache
	rm -rf $(LABEXT)/node_modules $(LABEXT)/lib $(LABEXT)/prebuilt $(LABEXT)/tsconfig.tsbuildinfo
