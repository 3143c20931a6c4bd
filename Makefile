# The few targets a newcomer needs. Everything installs into .venv (and .venv-checkov).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHECKOV_VENV := .venv-checkov
EXAMPLE ?= examples/answers/aws-containers.yml

.PHONY: example test lint golden bench clean

$(BIN)/infrascaffold: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml $(BIN)/infrascaffold
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

$(CHECKOV_VENV)/bin/checkov:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q --disable-pip-version-check checkov==3.3.30

example: $(BIN)/infrascaffold
	rm -rf build/example
	$(BIN)/infrascaffold new build/example --answers $(EXAMPLE) --no-input
	$(BIN)/infrascaffold validate build/example

test: $(VENV)/.test-deps $(CHECKOV_VENV)/bin/checkov
	$(BIN)/pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check infrascaffold tests scripts benchmarks
	$(BIN)/ruff format --check infrascaffold
	$(BIN)/mypy

golden: $(VENV)/.test-deps
	$(BIN)/python -m tests.golden_update

bench: $(VENV)/.test-deps
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf build $(VENV) $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache
