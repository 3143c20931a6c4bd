# The few targets a newcomer needs. Everything installs into .venv (and .venv-checkov).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHECKOV_VENV := .venv-checkov
EXAMPLE ?= aws-containers

.PHONY: example test lint golden bench clean graphviz

$(BIN)/infrascaffold: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml $(BIN)/infrascaffold
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

# Mermaid's own parser (with jsdom), used by the tests to parse every generated diagram.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Graphviz's `dot` draws the diagrams as SVG/PNG (the tests run `diagram --format svg` from the
# help's examples): Debian's package, installed when it is missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
graphviz:
	@command -v dot > /dev/null || { $(SUDO) apt-get update -qq \
		&& $(SUDO) apt-get install -y -qq --no-install-recommends graphviz > /dev/null; }

$(CHECKOV_VENV)/bin/checkov:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q --disable-pip-version-check checkov==3.3.30

example: $(BIN)/infrascaffold
	rm -rf build/example
	$(BIN)/infrascaffold new build/example --example $(EXAMPLE) --no-input
	$(BIN)/infrascaffold validate build/example

# Every test, the end-to-end layer (tests/e2e: builds the wheel, installs it in a fresh
# virtualenv, runs the real binary) included, on every core.
test: $(VENV)/.test-deps $(CHECKOV_VENV)/bin/checkov node_modules/.package-lock.json graphviz
	$(BIN)/pytest -n auto --durations=20

lint: $(VENV)/.test-deps
	$(BIN)/ruff check infrascaffold tests scripts benchmarks
	$(BIN)/ruff format --check infrascaffold
	$(BIN)/mypy

golden: $(VENV)/.test-deps
	$(BIN)/python -m tests.golden_update

BENCH_VENV := .venv-bench

$(BENCH_VENV)/bin/copier:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check copier==9.19.1 cookiecutter==2.7.1

bench: $(VENV)/.test-deps $(BENCH_VENV)/bin/copier
	BENCH_VENV=$(BENCH_VENV) $(BIN)/python benchmarks/run.py

clean:
	rm -rf build $(VENV) $(CHECKOV_VENV) $(BENCH_VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
