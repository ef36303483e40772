# The two commands: `make demo` and `make test`. Everything else is a helper of those two.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
PYTEST_ARGS ?=
DEMO_ARGS ?=

.PHONY: demo test lint format check-python venv venv-dev messages clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "Symétrie needs Python 3.11 or newer: run 'make PYTHON=python3.12 ...'"; exit 1; }

$(RUNTIME): pyproject.toml | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV): $(RUNTIME) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

venv: $(RUNTIME)
venv-dev: $(DEV)

## Build the demo company (first time only) and serve it at http://127.0.0.1:8000
demo: $(RUNTIME)
	DEBUG=true $(BIN)/symetrie demo $(DEMO_ARGS)

## Run the tests: SQLite, unless DATABASE_URL names a PostgreSQL database
test: $(DEV)
	$(BIN)/pytest $(PYTEST_ARGS)

## Linters and type checks, as CI runs them
lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy symetrie
	DEBUG=true $(BIN)/symetrie makemigrations --check --dry-run

format: $(DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh the French catalogue after changing UI strings (needs GNU gettext)
messages: $(DEV)
	cd symetrie && DEBUG=true ../$(BIN)/symetrie makemessages -l fr --no-location --no-obsolete
	cd symetrie && DEBUG=true ../$(BIN)/symetrie compilemessages -l fr

clean:
	rm -rf $(VENV) var
