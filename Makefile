# The two quick-start commands: `make serve` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test test-postgres setup demo lint

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $@

setup: $(BIN)/.installed

serve: $(BIN)/.installed
	$(BIN)/python -m backend serve

test: $(BIN)/.installed
	$(BIN)/python -m pytest

test-postgres: $(BIN)/.installed
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest

demo: $(BIN)/.installed
	$(BIN)/python -m backend demo-data --scale 0.1

# Formatting, a minimal ruff rule set, and the layering contract (pyproject: [tool.importlinter]).
lint: $(BIN)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
